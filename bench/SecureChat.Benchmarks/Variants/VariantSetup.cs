// The three things compared and the process environment each runs in. SslStream is measured at its
// best: inline socket completions let a receive continue on the epoll thread instead of hopping to the
// thread pool, which on two cores is worth about 100 µs a round trip. SecureChat is measured as it
// ships: the apps turn the same switch on at startup (SecureChat.Cli.Network.SocketTuning), so its
// workers get it too, whatever the caller's environment says. Plain TCP gets TLS's environment, so that
// it is the floor under the same runtime settings.
namespace SecureChat.Benchmarks.Variants;

/// <summary>A compared variant: its name in the report and the environment of its worker processes.</summary>
/// <param name="Name">securechat, sslstream or plain.</param>
/// <param name="Environment">Variables set for its processes (a null value removes the variable).</param>
internal sealed record VariantSetup(string Name, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The runtime switch that runs socket continuations inline on the epoll thread.</summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>SecureChat sessions, as the apps run them (with the switch the apps set at startup).</summary>
    public static VariantSetup SecureChat { get; } = new("securechat", new Dictionary<string, string?> { [InlineCompletions] = "1" });

    /// <summary>TLS 1.3 through SslStream with mutual authentication, tuned.</summary>
    public static VariantSetup SslStream { get; } = new("sslstream", new Dictionary<string, string?> { [InlineCompletions] = "1" });

    /// <summary>Unprotected TCP with the same frames, tuned like SslStream.</summary>
    public static VariantSetup Plain { get; } = new("plain", new Dictionary<string, string?> { [InlineCompletions] = "1" });

    /// <summary>The report's column order.</summary>
    public static IReadOnlyList<VariantSetup> All { get; } = [SecureChat, SslStream, Plain];

    /// <summary>The variant called <paramref name="name"/>.</summary>
    public static VariantSetup Named(string name) =>
        All.FirstOrDefault(v => v.Name == name) ?? throw new ArgumentException($"No variant is called \"{name}\".", nameof(name));

    /// <summary>How the environment differs from the parent's, for the report's header.</summary>
    public string DescribeEnvironment() => string.Join(
        " ",
        Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value is null ? $"{e.Key} unset" : $"{e.Key}={e.Value}"));
}
