package io.kairos.channel.email;

import java.io.InputStream;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for tests with GreenMail's own self-signed certificate (greenmail.p12 in its jar). The client
 * trusts exactly that certificate; its name (no host name in it) is not checked, since the test
 * server answers on 127.0.0.1.
 */
final class TestTls {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private TestTls() {}

  static KeyStore greenMailKeyStore() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = TestTls.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  /** Client sockets that accept GreenMail's certificate and no other. */
  static SSLSocketFactory trustingGreenMail() throws Exception {
    KeyStore ks = greenMailKeyStore();
    X509Certificate pinned = (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new Pinned(pinned)}, null);
    return ctx.getSocketFactory();
  }

  /** The server side, with GreenMail's key and certificate (for the scripted STARTTLS server). */
  static SSLContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(greenMailKeyStore(), PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static final class Pinned extends X509ExtendedTrustManager {
    private final X509Certificate pinned;

    Pinned(X509Certificate pinned) {
      this.pinned = pinned;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0 || !chain[0].equals(pinned)) {
        throw new CertificateException("not the test server's certificate");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client certificates are not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client certificates are not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not used");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
