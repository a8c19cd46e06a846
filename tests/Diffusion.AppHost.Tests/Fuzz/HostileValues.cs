using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>A value a hostile client puts in one field: what it is (for the report) and how it goes on the wire.</summary>
internal sealed record HostileValue(string Description, Action<CodedOutputStream> Write);

/// <summary>
/// Values that broke services before (issue 16) or sit on an edge: control characters, strings far past every length
/// limit, non-finite and negative-zero doubles, the extremes of each integer type, enum numbers no proto declares and
/// timestamps outside protobuf's range (0001-01-01 to 9999-12-31). Each is well-formed protobuf: only the value is hostile.
/// </summary>
internal static class HostileValues
{
    private static readonly string[] Strings =
    [
        "a\u0000b", "\u0000", "\u0001\u001f\u007f", "x\r\ny", new('x', 100_000), new('\u00e9', 100_000), new('x', 201),
        new('x', 1_001), "\u202e\u200b", "\ud83d\ude00", "%00%ff", "'; drop table reservations; --", "../../etc/passwd",
        "country/AE/2025-2027\u0000", " ", "",
    ];

    private static readonly double[] Doubles =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.MaxValue, -double.MaxValue,
        double.Epsilon, -1, 1e300, -1e-300, 9.007199254740993e15,
    ];

    private static readonly long[] Int64s = [long.MaxValue, long.MinValue, -1, 0, 1L << 53, (1L << 53) + 1];

    private static readonly long[] TimestampSeconds = [-1_000_000_000_000_000_000, 8_170_000_000_000_000_000, long.MinValue, long.MaxValue, 253_402_300_800, -62_135_596_801];

    private static readonly int[] TimestampNanos = [-1, 1_000_000_000, int.MaxValue, int.MinValue];

    public static HostileValue For(FieldDescriptor field, Random random)
    {
        var number = field.FieldNumber;
        switch (field.FieldType)
        {
            case FieldType.String:
            case FieldType.Bytes:
                var text = Pick(random, Strings);
                return new($"string of {text.Length} chars {Describe(text)}", o =>
                {
                    o.WriteTag(number, WireFormat.WireType.LengthDelimited);
                    o.WriteString(text);
                });
            case FieldType.Double:
            case FieldType.Float:
                var d = Pick(random, Doubles);
                return new(double.IsNegative(d) && d == 0 ? "-0.0" : d.ToString("R", CultureInfo.InvariantCulture), o =>
                {
                    if (field.FieldType == FieldType.Double)
                    {
                        o.WriteTag(number, WireFormat.WireType.Fixed64);
                        o.WriteDouble(d);
                    }
                    else
                    {
                        o.WriteTag(number, WireFormat.WireType.Fixed32);
                        o.WriteFloat((float)d);
                    }
                });
            case FieldType.Enum:
            case FieldType.Int32:
            case FieldType.SInt32:
                var i = Pick(random, [99, -1, int.MaxValue, int.MinValue, 1 + field.EnumType?.Values.Max(v => v.Number) ?? 7]);
                return new($"{(field.FieldType == FieldType.Enum ? "enum number" : "int32")} {i}", o =>
                {
                    o.WriteTag(number, WireFormat.WireType.Varint);
                    o.WriteInt32(i);
                });
            case FieldType.Message when field.MessageType.FullName == Google.Protobuf.WellKnownTypes.Timestamp.Descriptor.FullName:
                var seconds = Pick(random, TimestampSeconds);
                var nanos = random.Next(2) == 0 ? 0 : Pick(random, TimestampNanos);
                return new($"timestamp seconds={seconds} nanos={nanos}", o =>
                {
                    var inner = new MemoryStream();
                    using (var nested = new CodedOutputStream(inner, leaveOpen: true))
                    {
                        nested.WriteTag(1, WireFormat.WireType.Varint);
                        nested.WriteInt64(seconds);
                        nested.WriteTag(2, WireFormat.WireType.Varint);
                        nested.WriteInt32(nanos);
                    }

                    o.WriteTag(number, WireFormat.WireType.LengthDelimited);
                    o.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
                });
            case FieldType.Bool:
                return new("bool as varint 2", o =>
                {
                    o.WriteTag(number, WireFormat.WireType.Varint);
                    o.WriteUInt64(2);
                });
            default:
                // Integers of 32 bits get a 64-bit varint as well: the parser truncates it, the service must cope.
                var l = Pick(random, Int64s);
                return new($"{field.FieldType} {l}", o =>
                {
                    o.WriteTag(number, WireFormat.WireType.Varint);
                    o.WriteInt64(l);
                });
        }
    }

    /// <summary>For a message with no fields: an unknown field carrying 100 kB.</summary>
    public static HostileValue UnknownField() => new("unknown field 9999 of 100000 bytes", o =>
    {
        o.WriteTag(9999, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(new byte[100_000]));
    });

    /// <summary>A short, escaped view of a value for a report line.</summary>
    public static string Describe(string text, int shown = 24) =>
        "'" + string.Concat(text.Take(shown).Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}")) + (text.Length > shown ? "...'" : "'");

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
