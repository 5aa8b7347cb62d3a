// The RSA-3072 identities of a comparison run, made once by the parent and read by every worker:
// generating four RSA-3072 keys in each child would cost seconds per process. SecureChat's two identity
// keys are key files as the apps keep them; TLS's two self-signed certificates are made in code with
// CertificateRequest and handed over as PKCS#12. Everything lives in a private temporary folder that
// the parent deletes when the run ends (CreateTempSubdirectory makes it owner-only, 0700).
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureChat.Crypto.Identity;

namespace SecureChat.Benchmarks.Variants;

/// <summary>A folder holding the run's identity keys and certificates.</summary>
internal sealed class BenchCredentials
{
    /// <summary>The host name in both certificates; the client checks it as TargetHost.</summary>
    public const string TlsHostName = "localhost";

    private const int RsaBits = 3072;

    private BenchCredentials(string folder) => Folder = folder;

    /// <summary>Where the files are.</summary>
    public string Folder { get; }

    /// <summary>Opens a folder made by <see cref="CreateAsync"/>.</summary>
    public static BenchCredentials Open(string folder) => new(folder);

    /// <summary>Makes a new private folder with two identity keys and two certificates, generated in parallel.</summary>
    public static async Task<BenchCredentials> CreateAsync()
    {
        DirectoryInfo folder = Directory.CreateTempSubdirectory("securechat-bench-");
        var credentials = new BenchCredentials(folder.FullName);
        await Task.WhenAll(
            Task.Run(() => SaveIdentity(credentials.IdentityPath(Side.Client))),
            Task.Run(() => SaveIdentity(credentials.IdentityPath(Side.Server))),
            Task.Run(() => SaveCertificate(credentials.CertificatePath(Side.Client))),
            Task.Run(() => SaveCertificate(credentials.CertificatePath(Side.Server)))).ConfigureAwait(false);
        return credentials;
    }

    /// <summary>The SecureChat identity key of one side.</summary>
    public IdentityKey LoadIdentity(Side side) => IdentityKey.Load(IdentityPath(side));

    /// <summary>The TLS certificate, with its private key, of one side.</summary>
    public X509Certificate2 LoadCertificate(Side side) =>
        X509CertificateLoader.LoadPkcs12FromFile(CertificatePath(side), password: null, X509KeyStorageFlags.EphemeralKeySet);

    /// <summary>The PKCS#12 file of one side's TLS certificate and key (for the startup listener).</summary>
    public string CertificateFile(Side side) => CertificatePath(side);

    /// <summary>A folder inside the run's private folder, for User1's home in the startup measurement.</summary>
    public string User1Home => Path.Combine(Folder, "user1-home");

    /// <summary>Removes the folder and everything in it.</summary>
    public void Delete() => Directory.Delete(Folder, recursive: true);

    private string IdentityPath(Side side) => Path.Combine(Folder, $"securechat-{side.ToString().ToLowerInvariant()}.key");

    private string CertificatePath(Side side) => Path.Combine(Folder, $"tls-{side.ToString().ToLowerInvariant()}.pfx");

    private static void SaveIdentity(string path)
    {
        using IdentityKey key = IdentityKey.Generate(RsaBits);
        key.Save(path);
    }

    private static void SaveCertificate(string path)
    {
        using var rsa = RSA.Create(RsaBits);
        var request = new CertificateRequest($"CN={TlsHostName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(TlsHostName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12)); // in the owner-only folder
    }
}

/// <summary>Which end of a connection.</summary>
internal enum Side
{
    /// <summary>The side that connects.</summary>
    Client,

    /// <summary>The side that listens.</summary>
    Server,
}
