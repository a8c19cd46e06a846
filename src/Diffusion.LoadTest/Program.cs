using Diffusion.LoadTest.Commands;

// diffusion-loadtest: distributed load with faults, and the check that nothing acknowledged was lost (docs/load-tests.md).
return await LoadTestApp.Build().Parse(args).InvokeAsync();
