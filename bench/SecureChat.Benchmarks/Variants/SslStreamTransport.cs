// TLS 1.3 through SslStream as a careful user would set it up for a two-party chat, at its best:
// mutual authentication with RSA-3072 certificates, each side trusting exactly the other's self-signed
// certificate (a custom root trust store, like SecureChat's known peer), certificate contexts built
// once, no revocation lookups, and no session resumption, so that every connection does the full
// handshake with both private-key operations, as SecureChat's does. OpenSSL negotiates
// TLS_AES_256_GCM_SHA384 here.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SecureChat.Benchmarks.Variants;

/// <summary>SslStream (TLS 1.3, mutual authentication) carrying the baseline chat frames.</summary>
internal sealed class SslStreamTransport : IChatTransport
{
    private readonly X509Certificate2 _client;
    private readonly X509Certificate2 _server;
    private readonly SslStreamCertificateContext _clientContext;
    private readonly SslStreamCertificateContext _serverContext;

    /// <summary>Reads both certificates from <paramref name="credentials"/>.</summary>
    public SslStreamTransport(BenchCredentials credentials)
    {
        _client = credentials.LoadCertificate(Side.Client);
        _server = credentials.LoadCertificate(Side.Server);
        _clientContext = SslStreamCertificateContext.Create(_client, additionalCertificates: null, offline: true);
        _serverContext = SslStreamCertificateContext.Create(_server, additionalCertificates: null, offline: true);
    }

    /// <inheritdoc />
    public async Task<IConversationEnd> ConnectAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = BenchCredentials.TlsHostName,
                    ClientCertificateContext = _clientContext,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    AllowTlsResume = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = TrustOnly(_server),
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsExpected(certificate, errors, _server),
                },
                cancellationToken).ConfigureAwait(false);
            return new JsonFrameEnd(Established(tls));
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IConversationEnd> AcceptAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _serverContext,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    AllowTlsResume = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = TrustOnly(_client),
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsExpected(certificate, errors, _client),
                },
                cancellationToken).ConfigureAwait(false);
            return new JsonFrameEnd(Established(tls));
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Refuses to measure anything but what the report claims: TLS 1.3 with both sides authenticated.</summary>
    private static SslStream Established(SslStream tls)
    {
        if (tls.SslProtocol != SslProtocols.Tls13 || !tls.IsMutuallyAuthenticated)
        {
            throw new AuthenticationException($"Expected mutually authenticated TLS 1.3, got {tls.SslProtocol} (mutual: {tls.IsMutuallyAuthenticated}).");
        }

        return tls;
    }

    /// <summary>Releases both certificates.</summary>
    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    /// <summary>A chain policy under which the peer's self-signed certificate, and nothing else, is a trusted root.</summary>
    private static X509ChainPolicy TrustOnly(X509Certificate2 peer)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(peer);
        return policy;
    }

    private static bool IsExpected(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2 expected) =>
        errors == SslPolicyErrors.None && presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(expected.GetCertHash());
}
