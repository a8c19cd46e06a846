using System.CommandLine;
using Diffusion.Classification.V1;
using Diffusion.Cli.Rendering;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion classify</c>: a chip by catalogue name or by its datasheet figures, or a memory part.</summary>
internal static class ClassifyCommand
{
    public static Command Create(CliContext context)
    {
        var chip = new Option<string?>("--chip") { Description = "A chip from the catalogue, e.g. \"NVIDIA H100 SXM\"" };
        var name = new Option<string?>("--name") { Description = "Name of a chip or memory part described by figures" };
        var tops = new Option<double?>("--tops") { Description = "Dense TOPS/TFLOPS (2 x MacTOPS, never sparse) at --bits" };
        var bits = new Option<uint?>("--bits") { Description = "Bit length of the --tops rate (8 for FP8/INT8, 16 for FP16...)" };
        var dieArea = new Option<double?>("--die-area") { Description = "Applicable die area, mm2 (non-planar logic dies, HBM excluded)" };
        var notDatacenter = new Option<bool>("--not-datacenter") { Description = "Not designed or marketed for datacenters" };
        var dram = new Option<double?>("--dram-bandwidth") { Description = "Total DRAM bandwidth, GB/s" };
        var memoryBandwidth = new Option<double?>("--memory-bandwidth") { Description = "Memory part: bandwidth, GB/s" };
        var packageArea = new Option<double?>("--package-area") { Description = "Memory part: package area, mm2" };
        var ruleSet = new Option<string?>("--rule-set") { Description = "Rule set id (default: the one in force on --as-of)" };
        var asOf = new Option<DateTimeOffset?>("--as-of") { Description = "Evaluate as of this date (default: now)" };
        // Note 1 to 3A090.a: classifying as the front-end fabricator or OSAT that exports the chip.
        var foundry = new Option<bool>("--foundry") { Description = "Classify as the front-end fabricator or OSAT exporting the chip (Note 1 to 3A090.a may presume it 3A090.a)" };
        var matureNode = new Option<bool>("--mature-node") { Description = "With --foundry: logic above the 16/14 nm node and planar (the presumption does not apply)" };
        var transistors = new Option<double?>("--transistors") { Description = "With --foundry: the packaged IC's aggregated approximated transistor count, in billions" };
        var hbm = new Option<bool>("--hbm") { Description = "With --foundry: the package contains high-bandwidth memory" };
        var designer = new Option<string?>("--designer") { Description = "With --foundry: the designer who certified the IC: none, approved or authorized" };
        designer.AcceptOnlyFromAmong("none", "approved", "authorized");
        var command = new Command("classify", "Classify a chip (3A090.a/.b) or a memory part (3A090.c)")
        {
            chip, name, tops, bits, dieArea, notDatacenter, dram, memoryBandwidth, packageArea, ruleSet, asOf,
            foundry, matureNode, transistors, hbm, designer,
        };
        command.Validators.Add(result =>
        {
            // Which options were given, not their values: GetValue throws on a value that does not parse, and that
            // value's own parse error is already reported.
            var byName = result.GetResult(chip) is not null;
            var byRate = result.GetResult(tops) is not null;
            var byMemory = result.GetResult(memoryBandwidth) is not null;
            if ((byName ? 1 : 0) + (byRate ? 1 : 0) + (byMemory ? 1 : 0) != 1)
            {
                result.AddError("give exactly one of --chip NAME, --tops N --bits B [--die-area A], or --memory-bandwidth N --package-area A");
            }
            else if (byRate && result.GetResult(bits) is null)
            {
                result.AddError("--tops needs --bits");
            }
            else if (byMemory && result.GetResult(packageArea) is null)
            {
                result.AddError("--memory-bandwidth needs --package-area");
            }

            var foundryDetail = new System.CommandLine.Option[] { matureNode, transistors, hbm, designer }.Where(o => result.GetResult(o) is not null).Select(o => o.Name).ToList();
            if (foundryDetail.Count > 0 && result.GetResult(foundry) is null)
            {
                result.AddError($"{string.Join(", ", foundryDetail)} need --foundry");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new ClassifyRequest { RuleSet = parse.GetValue(ruleSet) ?? "" };
            if (parse.GetValue(asOf) is { } day)
            {
                request.AsOf = Timestamp.FromDateTimeOffset(day);
            }

            if (parse.GetValue(chip) is { } known)
            {
                request.KnownChip = known;
            }
            else if (parse.GetValue(memoryBandwidth) is { } bandwidth)
            {
                request.Memory = new MemorySpec { Name = parse.GetValue(name) ?? "memory", BandwidthGbPerS = bandwidth, PackageAreaMm2 = parse.GetValue(packageArea) ?? 0 };
            }
            else
            {
                var spec = new ChipSpec
                {
                    Name = parse.GetValue(name) ?? "chip",
                    ApplicableDieAreaMm2 = parse.GetValue(dieArea) ?? 0,
                    Datacenter = !parse.GetValue(notDatacenter),
                    TotalDramBandwidthGbPerS = parse.GetValue(dram) ?? 0,
                };
                spec.Rates.Add(new ComputeRate { DenseTops = parse.GetValue(tops) ?? 0, BitLength = parse.GetValue(bits) ?? 0 });
                request.Chip = spec;
            }

            if (parse.GetValue(foundry))
            {
                request.Foundry = new FoundryFacts
                {
                    AdvancedNode = !parse.GetValue(matureNode),
                    ContainsHbm = parse.GetValue(hbm),
                    Designer = parse.GetValue(designer) switch
                    {
                        "approved" => IcDesignerStatus.Approved,
                        "authorized" => IcDesignerStatus.Authorized,
                        _ => IcDesignerStatus.None,
                    },
                };
                if (parse.GetValue(transistors) is { } billions)
                {
                    request.Foundry.TransistorCountBillions = billions;
                }
            }

            var client = new ClassificationService.ClassificationServiceClient(context.Channel("classification", parse));
            var response = await client.ClassifyAsync(request, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Views.Classification(response));

            return 0;
        });
        return command;
    }
}
