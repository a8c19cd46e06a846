using System.CommandLine;

namespace Diffusion.LoadTest.Commands;

/// <summary>Options that take a service's gRPC address (System.CommandLine has no built-in parser for <see cref="Uri"/>).</summary>
internal static class AddressOption
{
    public static Option<Uri?> Create(string name, string description, string? defaultAddress) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultAddress is null ? null : new Uri(defaultAddress),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"{name}: '{text}' is not an http:// or https:// address");
            return null;
        },
    };
}
