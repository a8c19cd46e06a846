using Diffusion.Testing.Grpc;

namespace Diffusion.Interop.Tests.Interop;

/// <summary>Debian's python3-grpcio calls a grpc-dotnet server (Grpc.AspNetCore on Kestrel, h2c).</summary>
public sealed class PythonClientInteropTests(PythonInterop python) : IClassFixture<PythonInterop>, IAsyncLifetime
{
    private GrpcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unary_WithMetadataAndDeadline()
    {
        var result = await python.RunClientAsync(_server.Address, "unary");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("héllo from python", result.GetProperty("message").GetString());
        Assert.Equal("0001ff", result.GetProperty("payload").GetString());
        Assert.Equal("acme", result.GetProperty("tenant").GetString());
        Assert.Equal("00c8ff01", result.GetProperty("binary_header").GetString());
        Assert.InRange(result.GetProperty("deadline_ms_from_now").GetInt64(), 20_000, 31_000);
    }

    [Fact]
    public async Task ResponseHeadersAndTrailers()
    {
        var result = await python.RunClientAsync(_server.Address, "metadata");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("header-value", result.GetProperty("header").GetString());
        Assert.Equal("trailer-value", result.GetProperty("trailer").GetString());
        Assert.Equal("000102ff", result.GetProperty("trailer_bin").GetString());
    }

    [Fact]
    public async Task ServerStreaming()
    {
        var result = await python.RunClientAsync(_server.Address, "stream");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal([0, 1, 2, 3, 4], result.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task ErrorStatus_WithUnicodeMessage()
    {
        var result = await python.RunClientAsync(_server.Address, "error");

        Assert.Equal(3, result.GetProperty("code").GetInt32());
        Assert.Equal("draws[0].tpp: must be ≥ 0 — 100% 出口", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Deadline_IsDeadlineExceeded()
    {
        var result = await python.RunClientAsync(_server.Address, "deadline");

        Assert.Equal(4, result.GetProperty("code").GetInt32());
        Assert.InRange(result.GetProperty("elapsed_ms").GetInt32(), 400, 4_000);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var result = await python.RunClientAsync(_server.Address, "unimplemented");

        Assert.Equal(12, result.GetProperty("code").GetInt32());
    }
}
