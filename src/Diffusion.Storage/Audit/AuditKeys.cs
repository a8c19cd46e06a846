using System.Security.Cryptography;

namespace Diffusion.Storage.Audit;

/// <summary>
/// The checkpoint key: ECDSA P-256, held by whoever signs checkpoints (a service's secret configuration, an operator's
/// file), never by the database, so rewriting the trail in PostgreSQL cannot produce a matching signature.
/// </summary>
public static class AuditKeys
{
    /// <summary>A new P-256 key.</summary>
    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The key's id: the first 8 bytes of SHA-256 over its public key, in hex.</summary>
    public static string KeyId(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..8]);
    }

    /// <summary>The private key in one line (base64 of PKCS#8), as configuration and secret parameters carry it.</summary>
    public static string ExportPrivate(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }

    /// <summary>Reads a key from PEM text or from one line of base64 PKCS#8 (<see cref="ExportPrivate"/>).</summary>
    /// <exception cref="CryptographicException">Neither, or not a P-256 key.</exception>
    public static ECDsa Import(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var key = ECDsa.Create();
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(text);
            }
            else
            {
                key.ImportPkcs8PrivateKey(Convert.FromBase64String(text.Trim()), out _);
            }

            if (key.KeySize != 256)
            {
                throw new CryptographicException($"a {key.KeySize}-bit key; checkpoints are signed with P-256");
            }

            return key;
        }
        catch (FormatException e)
        {
            key.Dispose();
            throw new CryptographicException("neither PEM nor base64 PKCS#8", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
