using System.CommandLine;
using Diffusion.WireCheck;

// The independent client of issue 17 (docs/benchmarks.md, "Independent client (issue 17)"): `empty-server` is the
// separate grpc-dotnet process with nothing behind its one method; `measure` compares Quota's Reserve+Commit pairs
// with it from outside, as any client on the machine would see them.
return await new RootCommand("Quota's Reserve+Commit pairs against empty unary calls to a separate grpc-dotnet process, from outside")
{
    EmptyServer.Create(),
    Measure.Create(),
}.Parse(args).InvokeAsync();
