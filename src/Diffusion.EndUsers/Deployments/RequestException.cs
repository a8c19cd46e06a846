namespace Diffusion.EndUsers.Deployments;

/// <summary>A request field is malformed (answered INVALID_ARGUMENT naming the field).</summary>
internal sealed class RequestException(string field, string problem) : Exception($"{field}: {problem}")
{
    /// <summary>The request field at fault.</summary>
    public string Field { get; } = field;
}
