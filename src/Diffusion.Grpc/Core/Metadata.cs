using System.Collections;
using System.Text;

namespace Grpc.Core;

/// <summary>
/// Custom metadata: request headers, response headers or trailers. Keys are lower-case ASCII
/// (PROTOCOL-HTTP2, "Custom-Metadata"); keys ending in <see cref="BinaryHeaderSuffix"/> carry bytes,
/// base64-encoded on the wire, every other key an ASCII string.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    /// <summary>Keys of binary entries end with this suffix.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>An empty, read-only instance.</summary>
    public static readonly Metadata Empty = new Metadata().Freeze();

    private readonly List<Entry> _entries = [];
    private bool _readOnly;

    public int Count => _entries.Count;

    public bool IsReadOnly => _readOnly;

    public Entry this[int index]
    {
        get => _entries[index];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckWriteable();
            _entries[index] = value;
        }
    }

    /// <summary>The last entry with <paramref name="key"/>, or null.</summary>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == key.ToLowerInvariant())
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>The string value of the last entry with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last entry with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>Every entry with <paramref name="key"/>, in order.</summary>
    public IEnumerable<Entry> GetAll(string key)
    {
        var normalized = key.ToLowerInvariant();
        return _entries.Where(e => e.Key == normalized);
    }

    /// <summary>Adds an ASCII string entry.</summary>
    public void Add(string key, string value) => Add(new Entry(key, value));

    /// <summary>Adds a binary entry; the key must end with <see cref="BinaryHeaderSuffix"/>.</summary>
    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    public void Add(Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWriteable();
        _entries.Add(item);
    }

    public void Clear()
    {
        CheckWriteable();
        _entries.Clear();
    }

    public bool Contains(Entry item) => _entries.Contains(item);

    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(Entry item) => _entries.IndexOf(item);

    public void Insert(int index, Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWriteable();
        _entries.Insert(index, item);
    }

    public bool Remove(Entry item)
    {
        CheckWriteable();
        return _entries.Remove(item);
    }

    public void RemoveAt(int index)
    {
        CheckWriteable();
        _entries.RemoveAt(index);
    }

    internal Metadata Freeze()
    {
        _readOnly = true;
        return this;
    }

    private void CheckWriteable()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("Metadata is read-only.");
        }
    }

    /// <summary>One metadata entry: a key and either an ASCII string or bytes.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        /// <summary>Creates a binary entry; <paramref name="key"/> must end with <c>-bin</c>.</summary>
        public Entry(string key, byte[] valueBytes)
        {
            ArgumentNullException.ThrowIfNull(valueBytes);
            Key = NormalizeKey(key);
            if (!HasBinarySuffix(Key))
            {
                throw new ArgumentException($"Key '{Key}' of a binary entry must end with '{BinaryHeaderSuffix}'.", nameof(key));
            }

            _valueBytes = (byte[])valueBytes.Clone();
        }

        /// <summary>Creates an ASCII entry; <paramref name="key"/> must not end with <c>-bin</c>.</summary>
        public Entry(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            Key = NormalizeKey(key);
            if (HasBinarySuffix(Key))
            {
                throw new ArgumentException($"Key '{Key}' ends with '{BinaryHeaderSuffix}': use the byte[] constructor.", nameof(key));
            }

            // ASCII-Value is printable ASCII (%x20-%x7E); anything else would be mangled by HTTP/2 header encoding.
            if (value.Any(c => c is < ' ' or > '~'))
            {
                throw new ArgumentException($"The value of '{Key}' must be printable ASCII; use a '-bin' key for other data.", nameof(value));
            }

            _value = value;
        }

        /// <summary>The lower-case key.</summary>
        public string Key { get; }

        /// <summary>True when the key ends with <c>-bin</c> and the value is bytes.</summary>
        public bool IsBinary => _valueBytes is not null;

        /// <summary>The string value; throws for binary entries.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary: read ValueBytes.");

        /// <summary>A copy of the value's bytes (the ASCII bytes of a string value).</summary>
        public byte[] ValueBytes => _valueBytes is not null ? (byte[])_valueBytes.Clone() : Encoding.ASCII.GetBytes(_value!);

        internal byte[] ValueBytesUnsafe => _valueBytes ?? Encoding.ASCII.GetBytes(_value!);

        public override string ToString() => IsBinary
            ? $"[Entry: key={Key}, valueBytes={Convert.ToBase64String(_valueBytes!)}]"
            : $"[Entry: key={Key}, value={_value}]";

        internal static bool HasBinarySuffix(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

        // Header-Name is 1*( %x30-39 / %x61-7A / "_" / "-" / ".") after lower-casing (PROTOCOL-HTTP2, "Custom-Metadata").
        private static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var normalized = key.ToLowerInvariant();
            if (!normalized.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.'))
            {
                throw new ArgumentException($"Metadata key '{key}' has characters outside [a-z0-9_.-].", nameof(key));
            }

            return normalized;
        }
    }
}
