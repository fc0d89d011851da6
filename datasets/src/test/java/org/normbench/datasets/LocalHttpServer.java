package org.normbench.datasets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HttpServer on 127.0.0.1 serving one byte array at /file, honouring {@code Range: bytes=N-},
 * and able to drop the connection after a given number of body bytes for the first few requests.
 */
final class LocalHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final byte[] body;
    private final int dropAfter;
    private final AtomicInteger dropsLeft;
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();

    LocalHttpServer(byte[] body, int dropAfter, int drops) throws IOException {
        this.body = body;
        this.dropAfter = dropAfter;
        this.dropsLeft = new AtomicInteger(drops);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/file";
    }

    private void handle(HttpExchange ex) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        rangeHeaders.add(range == null ? "" : range);
        int from = 0;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
        }
        int len = body.length - from;
        if (from > 0) {
            ex.getResponseHeaders()
                    .add(
                            "Content-Range",
                            "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, len);
        } else {
            ex.sendResponseHeaders(200, len);
        }
        OutputStream out = ex.getResponseBody();
        if (dropsLeft.getAndDecrement() > 0) {
            out.write(body, from, Math.min(dropAfter, len));
            out.flush();
            // closing the exchange before Content-Length bytes were sent makes the server drop the
            // connection
            try {
                ex.close();
            } catch (RuntimeException e) {
                // expected: "insufficient bytes written"
            }
            return;
        }
        out.write(body, from, len);
        out.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
