using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>What a frame reader makes of bytes that should hold exactly one frame.</summary>
internal static class Received
{
    /// <summary>
    /// The frame, or the failure a reader would report: a prefix that promises more than arrives stalls
    /// (and times out); one that promises less leaves bytes that are not a frame.
    /// </summary>
    public static Frame SingleFrame(byte[] wire, int maxPayload)
    {
        if (!FrameCodec.TryReadFrame(wire, maxPayload, out int length))
        {
            throw new SessionTimeoutException("The frame stalled.");
        }

        if (length != wire.Length)
        {
            throw new ProtocolViolationException("Bytes after the frame are not a frame.");
        }

        return new Frame(wire);
    }
}
