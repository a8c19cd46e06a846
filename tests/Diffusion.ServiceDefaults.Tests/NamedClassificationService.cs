using Diffusion.Classification.V1;
using Diffusion.ServiceDefaults.Security;
using Grpc.Core;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>The name a test server answers with, so a test sees which server served a call.</summary>
internal sealed record ServerName(string Value);

/// <summary>
/// A stand-in ClassificationService: answers with its server's name in <c>paragraph</c> and, in <c>eccn</c>, the
/// deadline it saw (round-trip format, or "none"), and in <c>license_exceptions</c> the authenticated subject of the caller.
/// </summary>
internal sealed class NamedClassificationService(ServerName name) : ClassificationService.ClassificationServiceBase
{
    public const string NoDeadline = "none";

    public override Task<ClassifyResponse> Classify(ClassifyRequest request, ServerCallContext context) =>
        Task.FromResult(new ClassifyResponse
        {
            Paragraph = name.Value,
            Eccn = context.Deadline == DateTime.MaxValue ? NoDeadline : context.Deadline.ToString("O"),
            LicenseExceptions = { CallerIdentity.Subject(context) },
        });
}
