namespace SecureChat.Benchmarks.Variants;

/// <summary>The transport of each variant, as a worker process builds it.</summary>
internal static class ChatTransports
{
    /// <summary>The transport of <paramref name="variant"/>, with the run's credentials.</summary>
    public static IChatTransport Create(VariantSetup variant, BenchCredentials credentials) => variant.Name switch
    {
        "securechat" => new SecureChatTransport(credentials),
        "sslstream" => new SslStreamTransport(credentials),
        "plain" => new PlainTcpTransport(),
        _ => throw new ArgumentException($"No transport for \"{variant.Name}\".", nameof(variant)),
    };
}
