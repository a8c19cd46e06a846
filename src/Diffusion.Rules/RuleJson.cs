using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Diffusion.Rules;

/// <summary>
/// Reads rule files: System.Text.Json, snake_case, comments and trailing commas allowed, unknown properties rejected,
/// <c>required</c> members and nullable annotations enforced. Every failure becomes a <see cref="RuleLoadException"/>
/// naming the file, the JSON path and the problem.
/// </summary>
public static class RuleJson
{
    /// <summary>The serializer options every rule file is read with.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads and validates one file.</summary>
    /// <param name="path">The file on disk.</param>
    /// <param name="displayName">The file as shown in messages, e.g. "rules/aid-2025/tiers.json".</param>
    /// <param name="type">The record type (an <see cref="IRuleFamily"/> is also validated).</param>
    /// <exception cref="RuleLoadException">The file is missing, malformed or invalid.</exception>
    public static object Read(string path, string displayName, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Validated(Parse(path, displayName, stream => JsonSerializer.Deserialize(stream, type, Options)), displayName);
    }

    /// <summary>Opens and parses a file; a JSON or I/O failure becomes a <see cref="RuleLoadException"/> naming the file.</summary>
    private static T Parse<T>(string path, string displayName, Func<Stream, T> parse)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return parse(stream);
        }
        catch (JsonException e)
        {
            throw new RuleLoadException([new RuleProblem(displayName, e.Path ?? "$", Describe(e))], e);
        }
        catch (IOException e)
        {
            throw new RuleLoadException([new RuleProblem(displayName, "$", $"cannot read the file: {e.Message}")], e);
        }
    }

    private static object Validated(object? value, string displayName)
    {
        if (value is null)
        {
            throw new RuleLoadException([new RuleProblem(displayName, "$", "the file holds null, expected an object")]);
        }

        if (value is IRuleFamily family)
        {
            var context = new RuleValidationContext(displayName);
            family.Validate(context);
            if (context.Problems.Count > 0)
            {
                throw new RuleLoadException(context.Problems);
            }
        }

        return value;
    }

    /// <summary>Parses one file as a JSON object (comments and trailing commas allowed), for per-key inheritance.</summary>
    /// <exception cref="RuleLoadException">The file is missing, malformed or not an object.</exception>
    public static JsonObject ReadObject(string path, string displayName) =>
        Parse(path, displayName, stream => JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            as JsonObject ?? throw new RuleLoadException([new RuleProblem(displayName, "$", "the file must hold an object")]);

    /// <summary>Reads and validates an effective (merged) family object as <paramref name="type"/>.</summary>
    /// <param name="json">The object, e.g. a child's file laid over its parent's (<see cref="RuleJsonMerge"/>).</param>
    /// <param name="displayName">What messages name, e.g. "rules/aid-2025/classification.json".</param>
    /// <param name="type">The record type.</param>
    /// <exception cref="RuleLoadException">The object does not fit the type or is invalid.</exception>
    public static object Read(JsonObject json, string displayName, Type type)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(type);
        object? value;
        try
        {
            value = json.Deserialize(type, Options);
        }
        catch (JsonException e)
        {
            throw new RuleLoadException([new RuleProblem(displayName, e.Path ?? "$", Describe(e))], e);
        }

        return Validated(value, displayName);
    }

    /// <summary>Reads and validates one file as <typeparamref name="T"/>.</summary>
    public static T Read<T>(string path, string displayName) where T : class => (T)Read(path, displayName, typeof(T));

    // System.Text.Json appends " Path: $.x | LineNumber: 3 | BytePositionInLine: 12." to its own messages; the path is
    // reported separately, the line kept as a hint.
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        var inner = e.InnerException is { } i and not JsonException ? $" ({i.Message})" : "";
        var line = e.LineNumber is { } n ? $" (line {n + 1})" : "";
        return message.TrimEnd() + inner + line;
    }
}
