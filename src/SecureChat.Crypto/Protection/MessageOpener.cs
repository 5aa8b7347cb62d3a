// One receiver's opening: message protection with one cipher object kept for the life of the receiving
// direction rather than one per message (issue 19). Each message still has its own key, applied for that
// message only; MessageProtection's stateless TryOpen stays for callers with no stream of messages.
namespace SecureChat.Crypto.Protection;

/// <summary>
/// Opens a stream of messages sealed with one <see cref="MessageProtection"/>, each under its own key. Not
/// thread-safe: one per receiving direction. Dispose it to free its cipher.
/// </summary>
public sealed class MessageOpener : IDisposable
{
    private readonly AesCbc _cipher = new();

    /// <summary>An opener for <paramref name="protection"/>.</summary>
    public MessageOpener(MessageProtection protection)
    {
        ArgumentNullException.ThrowIfNull(protection);
        Protection = protection;
    }

    /// <summary>The suite and padding this opener expects.</summary>
    public MessageProtection Protection { get; }

    /// <summary>
    /// Opens <paramref name="sealedMessage"/> under <paramref name="key"/> into <paramref name="destination"/>,
    /// exactly as <see cref="MessageProtection.TryOpen(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/> does.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The opener has been disposed.</exception>
    public bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage, Span<byte> destination, out int bytesWritten) =>
        Protection.TryOpen(_cipher, key, associatedData, sealedMessage, destination, out bytesWritten);

    /// <summary>Frees the cipher kept across messages.</summary>
    public void Dispose() => _cipher.Dispose();
}
