using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Diffusion.Identity.Keys;

/// <summary>
/// The RSA key that signs every token, made on first start and kept as a PEM file (mode 0600) so tokens stay valid
/// across restarts; services learn its public half from the JWKS endpoint. Its id is derived from the public key.
/// </summary>
internal static class SigningKeyStore
{
    public const string FileName = "signing-key.pem";

    public static RsaSecurityKey LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            var temporary = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(temporary, options))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(pem);
            }

            File.Move(temporary, path, overwrite: false);
        }

        var modulus = rsa.ExportParameters(false).Modulus!;
        return new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(modulus)[..16]) };
    }
}
