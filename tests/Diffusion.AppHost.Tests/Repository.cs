namespace Diffusion.AppHost.Tests;

/// <summary>The repository these tests were built from.</summary>
internal static class Repository
{
    /// <summary>The folder holding Diffusion.sln, above the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diffusion.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Diffusion.sln above {AppContext.BaseDirectory}");
    }
}
