namespace SecureChat.Benchmarks.Variants;

/// <summary>The transport of each variant, as a worker process builds it.</summary>
internal static class ChatTransports
{
    /// <summary>The transport of <paramref name="variant"/>, with the run's credentials.</summary>
    public static IChatTransport Create(VariantSetup variant, BenchCredentials credentials) =>
        variant == VariantSetup.SecureChat ? new SecureChatTransport(credentials)
        : variant == VariantSetup.SslStream ? new SslStreamTransport(credentials)
        : variant == VariantSetup.Plain ? new PlainTcpTransport()
        : throw new ArgumentException($"No transport for \"{variant.Name}\".", nameof(variant));
}
