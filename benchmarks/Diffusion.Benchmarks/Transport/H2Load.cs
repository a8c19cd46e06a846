using System.Globalization;
using System.Text.RegularExpressions;
using Diffusion.Testing.Processes;

namespace Diffusion.Benchmarks.Transport;

/// <summary>Runs nghttp2's h2load (an independent HTTP/2 load generator written in C) and reads its request rate.</summary>
internal static partial class H2Load
{
    public const string Path = "/usr/bin/h2load";

    /// <summary>
    /// POSTs <paramref name="bodyFile"/> to <paramref name="url"/> with gRPC request headers for <paramref name="seconds"/>
    /// (after a 1 s warm-up) and returns requests/s; throws if any request failed or was not a 2xx.
    /// </summary>
    public static async Task<(double RequestsPerSecond, string CommandLine)> RunAsync(Uri url, string bodyFile, int clients, int streams, int seconds, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-m", streams.ToString(CultureInfo.InvariantCulture),
            "-t", "1",
            "-D", seconds.ToString(CultureInfo.InvariantCulture),
            "--warm-up-time", "1",
            "-d", bodyFile,
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            url.ToString(),
        ];
        var output = await ProcessRunner.RunAsync(Path, arguments, TimeSpan.FromSeconds(seconds + 30), cancellationToken).ConfigureAwait(false);
        var rate = RateLine().Match(output);
        var requests = RequestsLine().Match(output);
        var statuses = StatusLine().Match(output);
        if (!rate.Success || !requests.Success || !statuses.Success)
        {
            throw new InvalidOperationException("Unexpected h2load output: " + output);
        }

        if (requests.Groups["failed"].Value != "0" || requests.Groups["errored"].Value != "0" || statuses.Groups["r3"].Value != "0" || statuses.Groups["r4"].Value != "0" || statuses.Groups["other"].Value != "0")
        {
            throw new InvalidOperationException("h2load saw failed requests: " + output);
        }

        return (double.Parse(rate.Groups["rate"].Value, CultureInfo.InvariantCulture), Path + " " + string.Join(' ', arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)));
    }

    [GeneratedRegex(@"finished in [^,]+, (?<rate>[0-9.]+) req/s")]
    private static partial Regex RateLine();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"status codes: \d+ 2xx, (?<r3>\d+) 3xx, (?<r4>\d+) 4xx, (?<other>\d+) 5xx")]
    private static partial Regex StatusLine();
}
