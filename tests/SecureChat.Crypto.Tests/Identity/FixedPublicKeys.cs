namespace SecureChat.Crypto.Tests.Identity;

/// <summary>
/// Two fixed RSA public keys and values computed from them outside .NET.
/// </summary>
/// <remarks>
/// The DER SubjectPublicKeyInfos are the <c>publicKeyDer</c> of the first test group of Wycheproof's
/// <c>rsa_pss_2048_sha256_mgf1_32_test.json</c> and <c>rsa_pss_3072_sha256_mgf1_32_test.json</c>
/// (shared/vectors/wycheproof; Apache-2.0, see its SOURCE.md), transcribed here as key material only.
/// </remarks>
internal static class FixedPublicKeys
{
    public static readonly byte[] Rsa2048 = Convert.FromHexString(
        "30820122300d06092a864886f70d01010105000382010f003082010a0282010100a2b451a07d0aa5f96e455671513550" +
        "514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89d6eac88450" +
        "97b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c98e254a2fe9765313a03eff8f17e1a029" +
        "397a1fa26a8dce26f490ed81299615d9814c22da610428e09c7d9658594266f5c021d0fceca08d945a12be82de4d1ece" +
        "6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a1969816f48698bcbba1b4d9cae79d460" +
        "d8f9f85e7975005d9bc22c4e5ac0f7c1a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf7820283f742b9" +
        "d50203010001");

    public static readonly byte[] Rsa3072 = Convert.FromHexString(
        "308201a2300d06092a864886f70d01010105000382018f003082018a0282018100c6fe23792566023c265287c5ac6f71" +
        "541c0994d11d059ee6403986efa21c24b51bd91d8862f9df79a4e328e3e27c83df260b25a9b43420affc44b51e8d7525" +
        "b6f29c372a405104732007527a62ed82fac73f4892a80e09682a41a58cd347017f3be7d801334f92d9321aafd53b51bf" +
        "fabfc752cfccae0b1ee03bdaff9e428cc1c117f1ac96b4fe23f8c23e6381186a66fd59289339ae55c4bcdadbff84abda" +
        "a532240d4e1d28b2d0481dadd3b246557ca8fe18092817730b39e6ee378ffcc85b19ffdc916a9b991a6b66d4a9c7bab5" +
        "f5e7a3722101142e7a4108c15d573b15289e07e46eaea07b42c2abcba330e99554b4656165bb4c0db2b6393a07eca575" +
        "c51a93c4e15bdb0f747909447e3efe34c67ca8954b530e56a20a1b6d84d45ed1bcd3aa58ec06f184ee5857aaa819e1cc" +
        "a9a26f4e28d6b977d33916db9896d252d1afa762e287cb0d384cc75bfe53f4e922d02dd0a481c042e2d306b4b3c18937" +
        "1e575b25e0005a164cf69dd0976e4d5be476806ea6be6084e71ab4f5ac5c1b12030203010001");

    // SHA-256 of each DER, as unpadded base64. Computed with Python 3.11 and checked with OpenSSL:
    //   "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")
    //   openssl dgst -sha256 -binary spki.der | openssl base64 -A
    public const string Rsa2048Fingerprint = "SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptY";
    public const string Rsa3072Fingerprint = "SHA256:XVW0MhlmHbmP3qHMomD+NFKJ4jju6Y46m8jijPUI4mY";
}
