using System.Reflection;
using Diffusion.ServiceDefaults.Security;
using Google.Protobuf.Reflection;

namespace Diffusion.ServiceDefaults.Tests.Security;

/// <summary>The policy table covers the whole contract, names only methods that exist, and is the one the README prints.</summary>
public sealed class AccessPolicyTests
{
    /// <summary>Every method of every service the contract declares, found from the generated file descriptors.</summary>
    private static IReadOnlyList<string> ContractMethods() =>
        typeof(Classification.V1.ClassificationService).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .SelectMany(p => ((FileDescriptor)p!.GetValue(null)!).Services)
            .SelectMany(s => s.Methods.Select(m => $"{s.FullName}/{m.Name}"))
            .Distinct()
            .ToList();

    [Fact]
    public void EveryMethodOfTheContract_HasAnEntry()
    {
        var methods = ContractMethods();

        Assert.True(methods.Count >= 25, $"only {methods.Count} methods found: the descriptors were not all read");
        var missing = methods.Where(m => !AccessPolicy.Methods.ContainsKey(m)).ToList();
        Assert.True(missing.Count == 0, "no access policy entry (ServiceDefaults/…/Security/AccessPolicy.cs) for: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryEntry_NamesAMethodOfTheContract_AndKnownRoles()
    {
        var methods = ContractMethods().ToHashSet();

        Assert.All(AccessPolicy.Methods, entry =>
        {
            Assert.Contains(entry.Key, methods);
            Assert.NotEmpty(entry.Value);
            Assert.All(entry.Value, role => Assert.Contains(role, Roles.All));
        });
    }

    [Fact]
    public void UnknownMethod_NobodyMayCallIt()
    {
        Assert.Empty(AccessPolicy.RolesFor("diffusion.quota.v1.QuotaService/DropEverything"));
        Assert.Equal([Roles.Officer], AccessPolicy.RolesFor("/diffusion.quota.v1.QuotaService/SetAllocation"));
    }

    [Fact]
    public void Readme_PrintsTheTable()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");

        Assert.Contains(AccessPolicy.MarkdownTable(), readme, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diffusion.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Diffusion.sln above " + AppContext.BaseDirectory);
    }
}
