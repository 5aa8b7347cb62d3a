// SecureChat.StartupListener ssl <certificate.pfx> <port> | plain <port>
// Prints "Listening on 127.0.0.1:<port>" once it accepts connections, then serves TLS 1.3 handshakes
// ("ssl") or holds connections ("plain") until its stdin closes. The benchmark's startup-ms times the
// process from its start to that line, exactly as it times User1 to its own listening line.
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SecureChat.StartupListener;

/// <summary>The entry point.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        SslServerAuthenticationOptions? tls;
        string portText;
        switch (args)
        {
            case ["ssl", var certificatePath, var port]:
                X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password: null, X509KeyStorageFlags.EphemeralKeySet);
                tls = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true),
                    EnabledSslProtocols = SslProtocols.Tls13,
                };
                portText = port;
                break;
            case ["plain", var port]:
                tls = null;
                portText = port;
                break;
            default:
                await Console.Error.WriteLineAsync("usage: SecureChat.StartupListener ssl <certificate.pfx> <port> | plain <port>").ConfigureAwait(false);
                return 2;
        }

        using var listener = new TcpListener(IPAddress.Loopback, int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture));
        listener.Start();
        Console.WriteLine($"Listening on {listener.LocalEndpoint}");
        using var stop = new CancellationTokenSource();
        Task serving = ServeAsync(listener, tls, stop.Token);
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static async Task ServeAsync(TcpListener listener, SslServerAuthenticationOptions? tls, CancellationToken cancellationToken)
    {
        while (true)
        {
            Socket socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                await using var ssl = new SslStream(stream);
                try
                {
                    await ssl.AuthenticateAsServerAsync(tls, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AuthenticationException or IOException)
                {
                    // A failed handshake ends that connection only.
                }
            }
        }
    }
}
