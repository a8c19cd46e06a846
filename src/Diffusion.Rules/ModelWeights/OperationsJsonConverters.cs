using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Rules.ModelWeights;

/// <summary>Reads rule-file numbers in exponent form (<c>2.5e21</c>) as exact whole <see cref="TrainingOperations"/>.</summary>
internal sealed class TrainingOperationsJsonConverter : JsonConverter<TrainingOperations>
{
    public override TrainingOperations Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value))
        {
            throw new JsonException("expected a number of training operations (a JSON number, exponent form allowed)");
        }

        if (value < 0 || decimal.Truncate(value) != value)
        {
            throw new JsonException($"training operations must be a whole number >= 0, was {value.ToString(CultureInfo.InvariantCulture)}");
        }

        return new TrainingOperations(value);
    }

    public override void Write(Utf8JsonWriter writer, TrainingOperations value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Value);
}

/// <summary>Reads rule-file shares such as <c>0.10</c> as exact <see cref="OperationsShare"/>s in [0, 1].</summary>
internal sealed class OperationsShareJsonConverter : JsonConverter<OperationsShare>
{
    public override OperationsShare Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value))
        {
            throw new JsonException("expected a share as a number in [0, 1] (e.g. 0.10)");
        }

        if (value is < 0m or > 1m)
        {
            throw new JsonException($"a share must lie in [0, 1], was {value.ToString(CultureInfo.InvariantCulture)}");
        }

        return new OperationsShare(value);
    }

    public override void Write(Utf8JsonWriter writer, OperationsShare value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Value);
}
