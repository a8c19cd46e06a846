using Diffusion.Decisions.V1;
using Microsoft.Extensions.Configuration;

namespace Diffusion.Cli.Tests;

public sealed class ParsingTests
{
    [Theory]
    [InlineData("tier1-h100.json", "DE", OrderItem.ItemOneofCase.KnownChip)]
    [InlineData("tier2-lpp-small.json", "AE", OrderItem.ItemOneofCase.KnownChip)]
    [InlineData("tier2-licensed.json", "IN", OrderItem.ItemOneofCase.Assembly)]
    [InlineData("tier3-china.json", "CN", OrderItem.ItemOneofCase.KnownChip)]
    [InlineData("tier3-hq-abroad.json", "MY", OrderItem.ItemOneofCase.KnownChip)]
    [InlineData("nveu.json", "IN", OrderItem.ItemOneofCase.KnownChip)]
    [InlineData("non-datacenter.json", "AE", OrderItem.ItemOneofCase.KnownChip)]
    [InlineData("hbm.json", "CN", OrderItem.ItemOneofCase.Memory)]
    [InlineData("model-weights.json", "AE", OrderItem.ItemOneofCase.ModelWeights)]
    public void ReadOrder_EverySample_IsADecideRequest(string sample, string destination, OrderItem.ItemOneofCase kind)
    {
        var order = OrderFiles.ReadOrder(CliRun.Sample(sample));

        Assert.Equal(destination, order.DestinationCountry);
        Assert.Equal(kind, order.Items[0].ItemCase);
        Assert.True(order.Items[0].Quantity >= 1);
        Assert.NotEmpty(order.OrderId);
        Assert.NotNull(order.AsOf);
    }

    [Fact]
    public void ReadBatch_SampleBatch_OneOrderPerLine()
    {
        var lines = OrderFiles.ReadBatch(CliRun.Sample("batch.jsonl")).ToList();

        Assert.Equal(12, lines.Count);
        Assert.All(lines, l => Assert.Null(l.Problem));
        Assert.Equal(lines.Count, lines.Select(l => l.Order!.OrderId).Distinct().Count());
        Assert.Equal(12, OrderFiles.CountBatch(CliRun.Sample("batch.jsonl")));
    }

    [Fact]
    public void ReadBatch_ALineThatIsNotAnOrder_ComesBackWithItsProblem_AndTheRestIsRead()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# a comment", """{"order_id":"a"}""", "", "{not json", """{"order_id":"b"}"""]);

            var lines = OrderFiles.ReadBatch(path).ToList();

            Assert.Equal([2, 4, 5], lines.Select(l => l.LineNumber));
            Assert.Equal("a", lines[0].Order!.OrderId);
            Assert.Null(lines[1].Order);
            Assert.Contains($"{path}:4", lines[1].Problem, StringComparison.Ordinal);
            Assert.Equal("b", lines[2].Order!.OrderId);
            Assert.Equal(3, OrderFiles.CountBatch(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_CamelCaseNames_AreAccepted()
    {
        var order = OrderFiles.Parse("""{"orderId":"o1","destinationCountry":"FR","items":[{"knownChip":"NVIDIA H100 SXM","quantity":2}],"consignee":{"id":"c"}}""", "inline");

        Assert.Equal("o1", order.OrderId);
        Assert.Equal(2u, order.Items[0].Quantity);
    }

    [Fact]
    public void Parse_UnknownField_NamesTheSource()
    {
        var e = Assert.Throws<CliException>(() => OrderFiles.Parse("""{"order_id":"o1","destination":"FR"}""", "order.json"));

        Assert.Contains("order.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoints_ExplicitThenConfigurationThenFixedPort()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:decisions:grpc:0"] = "http://127.0.0.1:7001",
        }).Build();
        var endpoints = new Endpoints(configuration);

        Assert.Equal(new Uri("http://127.0.0.1:7999"), endpoints.Resolve("decisions", "http://127.0.0.1:7999").Address);
        Assert.Equal(new Uri("http://127.0.0.1:7001"), endpoints.Resolve("decisions", null).Address);
        Assert.Equal(new Uri("http://127.0.0.1:5102"), endpoints.Resolve("quota", null).Address);
        Assert.Equal(new Uri("http://127.0.0.1:5101"), endpoints.Resolve("classification", null).Address);
        var bad = Assert.Throws<CliException>(() => endpoints.Resolve("decisions", "ftp://x"));
        Assert.Contains("--endpoint", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_NothingListening_ExitsOneWithHowToStart()
    {
        // A port that was just free: nothing listens there.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var run = await CliRun.RunAsync(
            ["decide", CliRun.Sample("tier1-h100.json")],
            new Dictionary<string, string?> { ["services:decisions:grpc:0"] = $"http://127.0.0.1:{port}" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Unavailable", run.Error, StringComparison.Ordinal);
        Assert.Contains("services__decisions__grpc__0", run.Error, StringComparison.Ordinal);
        Assert.Contains("AppHost", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_MissingFile_ExitsTwo()
    {
        var run = await CliRun.RunAsync(["decide", "/nonexistent/order.json", "--endpoint", "http://127.0.0.1:1"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_NeitherFileNorBatch_IsAUsageError()
    {
        var run = await CliRun.RunAsync(["decide"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--batch", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decide", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("classify", "--bits", "8", "--tops", "not-a-number")]
    public async Task ParseErrors_ExitTwoNamingTheProblem(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("diffusion: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(args[^1], run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_TopsWithoutBits_IsAUsageError()
    {
        var run = await CliRun.RunAsync(["classify", "--tops", "1979"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--bits", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_FoundryDetailsWithoutFoundry_IsAUsageError()
    {
        var run = await CliRun.RunAsync(["classify", "--chip", "NVIDIA H100 SXM", "--transistors", "80", "--designer", "approved"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--transistors, --designer need --foundry", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ServiceNotListening_ExitsOneWithStatus()
    {
        var run = await CliRun.RunAsync(["decide", CliRun.Sample("tier1-h100.json"), "--endpoint", "http://127.0.0.1:1", "--timeout", "5"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Unavailable", run.Error, StringComparison.Ordinal);
    }
}
