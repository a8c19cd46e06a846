using Google.Protobuf;
using Google.Protobuf.Reflection;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>
/// One request of a run: its bytes, what was done to them, and how long the caller waits. WellFormed is false for
/// random bytes and truncated messages (the only requests INTERNAL may answer).
/// </summary>
internal sealed record FuzzCase(int Index, UnaryMethod Method, byte[] Body, string Description, bool WellFormed, TimeSpan Deadline)
{
    public bool ShortDeadline => Deadline < TimeSpan.FromSeconds(1);
}

/// <summary>
/// Writes requests straight to the wire from a method's input descriptor (no generated type is needed, so any value
/// of any field can be sent, -0.0 included, which Google.Protobuf itself never writes). Each case draws from its own
/// <see cref="Random"/> seeded by the run's seed and the case's index, so a case is the same whatever ran before it.
/// </summary>
internal sealed class RequestGenerator(int seed, PlausibleValues values)
{
    private const int MaxDepth = 6;

    public FuzzCase Next(int index, IReadOnlyList<UnaryMethod> methods)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        var method = methods[random.Next(methods.Count)];
        var input = method.Descriptor.InputType;
        var deadline = random.Next(10) == 0 ? TimeSpan.FromMilliseconds(random.Next(1, 21)) : TimeSpan.FromSeconds(30);
        var roll = random.Next(100);
        if (roll < 7)
        {
            var bytes = new byte[random.Next(0, 257)];
            random.NextBytes(bytes);
            return new(index, method, bytes, $"{bytes.Length} random bytes", false, deadline);
        }

        if (roll < 14)
        {
            var whole = Message(input, random, [], 0, null);
            var cut = whole.Length == 0 ? 0 : random.Next(whole.Length);
            return new(index, method, whole[..cut], $"message truncated to {cut} of {whole.Length} bytes", false, deadline);
        }

        if (roll < 30)
        {
            return new(index, method, Message(input, random, [], 0, null), "plausible message", true, deadline);
        }

        if (roll < 88)
        {
            var path = LeafPath(input, random);
            if (path.Count == 0)
            {
                var unknown = HostileValues.UnknownField();
                return new(index, method, Write(o => unknown.Write(o)), unknown.Description, true, deadline);
            }

            var leaf = path[^1];
            var hostile = HostileValues.For(leaf, random);
            var target = new Target(path, hostile, 1);
            return new(index, method, Message(input, random, path, 0, target), $"{Describe(path)} = {hostile.Description}", true, deadline);
        }

        var repeated = RepeatedPaths(input, []).ToList();
        if (repeated.Count == 0)
        {
            return new(index, method, Message(input, random, [], 0, null), "plausible message (nothing repeated)", true, deadline);
        }

        var chosen = repeated[random.Next(repeated.Count)];
        var count = chosen[^1].FieldType == FieldType.Message ? random.Next(2) == 0 ? 1_001 : 10_000 : random.Next(2) == 0 ? 10_000 : 100_000;
        return new(index, method, Message(input, random, chosen, 0, new Target(chosen, null, count)), $"{Describe(chosen)} x {count}", true, deadline);
    }

    /// <summary>Where the hostile value goes (<see cref="Value"/>), or which repeated field gets <see cref="Count"/> elements.</summary>
    private sealed record Target(IReadOnlyList<FieldDescriptor> Path, HostileValue? Value, int Count);

    private byte[] Message(MessageDescriptor descriptor, Random random, IReadOnlyList<FieldDescriptor> path, int depth, Target? target) =>
        Write(o =>
        {
            // path is the rest of the target's path from this message down; empty when the target is not below here.
            var targeted = path.Count > 0 ? path[0] : null;
            var chosen = descriptor.Oneofs.Where(x => !x.IsSynthetic)
                .Select(oneof => targeted?.RealContainingOneof == oneof ? targeted : random.Next(oneof.Fields.Count + 1) is var i && i < oneof.Fields.Count ? oneof.Fields[i] : null)
                .ToHashSet();
            foreach (var field in descriptor.Fields.InFieldNumberOrder())
            {
                var isTarget = field == targeted;
                if (field.RealContainingOneof is not null && !chosen.Contains(field)
                    || !isTarget && (depth >= MaxDepth || random.Next(10) < 2))
                {
                    continue;
                }

                var rest = isTarget ? path.Skip(1).ToList() : [];
                var count = field.IsRepeated ? random.Next(0, 4) : 1;
                if (isTarget && rest.Count == 0 && target!.Value is null)
                {
                    count = target.Count;
                }
                else if (isTarget)
                {
                    count = Math.Max(count, 1);
                }

                for (var i = 0; i < count; i++)
                {
                    // The target rides on the first element; the others are plausible.
                    var carries = isTarget && i == 0;
                    if (carries && rest.Count == 0 && target!.Value is { } value)
                    {
                        value.Write(o);
                    }
                    else
                    {
                        Field(o, field, random, carries ? rest : [], depth, carries ? target : null);
                    }
                }
            }
        });

    private void Field(CodedOutputStream o, FieldDescriptor field, Random random, IReadOnlyList<FieldDescriptor> rest, int depth, Target? target)
    {
        var number = field.FieldNumber;
        switch (field.FieldType)
        {
            case FieldType.Message:
                var body = field.MessageType.FullName == Timestamp.Descriptor.FullName
                    ? new Timestamp { Seconds = PlausibleValues.Seconds(random) }.ToByteArray()
                    : Message(field.MessageType, random, rest, depth + 1, target);
                o.WriteTag(number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(body));
                break;
            case FieldType.String:
                o.WriteTag(number, WireFormat.WireType.LengthDelimited);
                o.WriteString(values.String(field, random));
                break;
            case FieldType.Double:
                o.WriteTag(number, WireFormat.WireType.Fixed64);
                o.WriteDouble(values.Double(field, random));
                break;
            case FieldType.Int64:
                o.WriteTag(number, WireFormat.WireType.Varint);
                o.WriteInt64(values.Int64(field, random));
                break;
            case FieldType.UInt32:
                o.WriteTag(number, WireFormat.WireType.Varint);
                o.WriteUInt32(values.UInt32(field, random));
                break;
            case FieldType.Bool:
                o.WriteTag(number, WireFormat.WireType.Varint);
                o.WriteBool(random.Next(2) == 0);
                break;
            case FieldType.Bytes:
                // A document a service parses (a screening list): an empty one, a JSON skeleton, or random bytes.
                byte[] content = random.Next(3) switch
                {
                    0 => [],
                    1 => "{\"results\":[]}"u8.ToArray(),
                    _ => new byte[random.Next(1, 4097)],
                };
                if (content.Length > 16)
                {
                    random.NextBytes(content);
                }

                o.WriteTag(number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(content));
                break;
            case FieldType.Enum:
                var declared = field.EnumType.Values;
                o.WriteTag(number, WireFormat.WireType.Varint);
                o.WriteEnum(declared[random.Next(declared.Count)].Number);
                break;
            default:
                throw new NotSupportedException($"{field.FullName}: the fuzzer writes no {field.FieldType} yet");
        }
    }

    /// <summary>A random walk from the request down to one scalar or timestamp field; empty for a message without fields.</summary>
    private static List<FieldDescriptor> LeafPath(MessageDescriptor descriptor, Random random)
    {
        var path = new List<FieldDescriptor>();
        while (descriptor.Fields.InFieldNumberOrder() is { Count: > 0 } fields && path.Count < MaxDepth)
        {
            var field = fields[random.Next(fields.Count)];
            path.Add(field);
            if (field.FieldType != FieldType.Message || field.MessageType.FullName == Timestamp.Descriptor.FullName)
            {
                return path;
            }

            descriptor = field.MessageType;
        }

        return path.Count > 0 && path[^1].FieldType == FieldType.Message && path[^1].MessageType.Fields.InFieldNumberOrder().Count == 0 ? [] : path;
    }

    /// <summary>Every path from the request to a repeated field.</summary>
    private static IEnumerable<IReadOnlyList<FieldDescriptor>> RepeatedPaths(MessageDescriptor descriptor, IReadOnlyList<FieldDescriptor> above)
    {
        if (above.Count >= MaxDepth)
        {
            yield break;
        }

        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            IReadOnlyList<FieldDescriptor> path = [.. above, field];
            if (field.IsRepeated)
            {
                yield return path;
            }

            if (field.FieldType == FieldType.Message && field.MessageType.FullName != Timestamp.Descriptor.FullName)
            {
                foreach (var below in RepeatedPaths(field.MessageType, path))
                {
                    yield return below;
                }
            }
        }
    }

    private static string Describe(IReadOnlyList<FieldDescriptor> path) => string.Join(".", path.Select(f => f.IsRepeated ? f.Name + "[]" : f.Name));

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
        }

        return stream.ToArray();
    }
}
