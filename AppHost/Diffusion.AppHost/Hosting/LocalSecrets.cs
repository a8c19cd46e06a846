using System.Security.Cryptography;

namespace Diffusion.AppHost.Hosting;

/// <summary>
/// Secrets of the local system (client secrets, passwords): made on first run, 32 random bytes each, kept one per file
/// (mode 0600) under <c>.diffusion/secrets</c>, which git ignores, and handed to resources as Aspire secret parameters,
/// which the dashboard masks. Never logged. The CLI reads its own client secret from the same place.
/// </summary>
internal sealed class LocalSecrets(string directory)
{
    /// <summary>The folder under the data directory.</summary>
    public const string FolderName = "secrets";

    public string Directory { get; } = directory;

    /// <summary>The secret called <paramref name="name"/>, made now (32 random bytes in hex) if it does not exist yet.</summary>
    public string Get(string name) => Get(name, () => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant());

    /// <summary>The secret called <paramref name="name"/>, made now by <paramref name="make"/> if it does not exist yet.</summary>
    public string Get(string name, Func<string> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var file = new FileStream(path, options);
                using var writer = new StreamWriter(file);
                writer.Write(make());
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another AppHost made it first: use theirs.
            }
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>
    /// Writes <paramref name="content"/> (which holds a secret, e.g. a server's config file with its password) to
    /// <paramref name="name"/> in the folder, mode 0600, replacing what was there; returns its path.
    /// </summary>
    public string WriteFile(string name, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(content);
        }

        return path;
    }

    /// <summary>An Aspire secret parameter holding <see cref="Get(string)"/>(<paramref name="name"/>).</summary>
    public IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter($"{name}-secret", Get(name), secret: true);

    /// <summary>An Aspire secret parameter holding <see cref="Get(string, Func{string})"/>.</summary>
    public IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder, string name, Func<string> make) =>
        builder.AddParameter($"{name}-secret", Get(name, make), secret: true);
}
