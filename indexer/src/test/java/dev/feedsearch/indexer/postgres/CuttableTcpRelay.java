package dev.feedsearch.indexer.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fault injector, not a fake server: a TCP relay on 127.0.0.1 in front of a real server whose connections,
 * once {@link #cutExisting() cut}, silently swallow every byte in both directions while their sockets stay
 * open, as when a NAT or firewall drops a flow without a reset. This machine cannot drop a flow for real
 * (that takes root network tools), so the relay plays the network. Connections opened after the cut work.
 */
final class CuttableTcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<AtomicBoolean> cuts = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    CuttableTcpRelay(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("relay-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, the connections open so far deliver nothing either way (and never close). */
    void cutExisting() {
        cuts.forEach(c -> c.set(true));
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                AtomicBoolean cut = new AtomicBoolean();
                cuts.add(cut);
                pump(client.getInputStream(), upstream.getOutputStream(), cut);
                pump(upstream.getInputStream(), client.getOutputStream(), cut);
            } catch (IOException e) {
                if (!server.isClosed()) throw new IllegalStateException("relay", e);
            }
        }
    }

    private static void pump(InputStream in, OutputStream out, AtomicBoolean cut) {
        Thread.ofPlatform().daemon().name("relay-pump").start(() -> {
            byte[] buf = new byte[16_384];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (cut.get()) continue; // swallowed: the bytes reach no one
                    out.write(buf, 0, n);
                    out.flush();
                }
                if (!cut.get()) out.close();
            } catch (IOException e) {
                // a side closed: the other side sees it unless the connection was cut
            }
        });
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
    }
}
