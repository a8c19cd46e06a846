using System.Security.Cryptography;
using Diffusion.AppHost.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// The audit trail's checkpoint key: an ECDSA P-256 key made on first run and kept as a local secret
/// (<c>.diffusion/secrets/audit-checkpoint</c>, base64 PKCS#8), passed to the service that signs checkpoints as a secret
/// parameter; PostgreSQL never holds it. Its public half is written beside the data
/// (<c>.diffusion/audit-checkpoint.pub.pem</c>) for <c>diffusion audit verify --public-key</c>.
/// </summary>
internal static class AuditCheckpointKeyExtensions
{
    /// <summary>The secret's name under <c>.diffusion/secrets</c>.</summary>
    public const string SecretName = "audit-checkpoint";

    /// <summary>The public half's file name in the data directory.</summary>
    public const string PublicKeyFile = "audit-checkpoint.pub.pem";

    /// <summary><paramref name="service"/> signs the audit trail's head with the local checkpoint key (<c>Audit__CheckpointKey</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithAuditCheckpointKey(this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder, LocalSecrets secrets, string dataDirectory)
    {
        var parameter = secrets.Parameter(builder, SecretName, () =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
        });
        using (var key = ECDsa.Create())
        {
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(secrets.Get(SecretName)), out _);
            File.WriteAllText(Path.Combine(dataDirectory, PublicKeyFile), key.ExportSubjectPublicKeyInfoPem());
        }

        return service.WithEnvironment("Audit__CheckpointKey", parameter);
    }
}
