namespace Grpc.Core;

/// <summary>Flags for a write.</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>Hint that the write may be buffered rather than sent at once.</summary>
    BufferHint = 0x1,

    /// <summary>Do not compress this message.</summary>
    NoCompress = 0x2,
}

/// <summary>Options for writing a message to a stream.</summary>
public class WriteOptions
{
    /// <summary>No flags.</summary>
    public static readonly WriteOptions Default = new();

    /// <summary>Creates write options.</summary>
    public WriteOptions(WriteFlags flags = default) => Flags = flags;

    /// <summary>The write flags.</summary>
    public WriteFlags Flags { get; }
}
