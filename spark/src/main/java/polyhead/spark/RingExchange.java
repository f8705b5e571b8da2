package polyhead.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.spark.BarrierTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import polyhead.train.GradientExchange;

/**
 * A {@link GradientExchange} over TCP between the tasks of a barrier stage, as a ring all-reduce (Patarasuk &amp;
 * Yuan, 2009; the form Horovod and NCCL use): the array is cut into R chunks, R−1 steps of reduce-scatter leave each
 * replica with the full sum of one chunk, and R−1 steps of all-gather hand each finished chunk round the ring. Every
 * replica sends and receives 2·(R−1)/R of the array per exchange, independent of R, and nothing passes through the
 * driver. Each chunk's sum is computed once, in a fixed order (round the ring from the replica after its owner), and
 * then copied, so all replicas hold the same sums bit for bit.
 *
 * <p>Set-up: each replica listens on an ephemeral port bound to its executor's own address (as the barrier context
 * names it); replica 0 draws a 256-bit secret; one {@link BarrierTaskContext#allGather} hands every replica the
 * addresses and the secret (Spark's RPC, authenticated and encrypted when {@code spark.authenticate} and
 * {@code spark.network.crypto.enabled} are on). Replica r connects to r+1 and accepts r−1, which must answer a random
 * challenge with HMAC-SHA256(secret, challenge ‖ rank): the secret never crosses the ring's sockets, and a connection
 * that does not answer, answers wrongly or claims another rank is closed with a log line naming its address, and
 * the replica keeps waiting for its peer. Every read and write is bounded by the timeout: a peer that vanishes
 * mid-step ends the step with an {@link ExchangeException}, which fails the task (and Spark then the barrier stage),
 * never a hang. The data is not encrypted: gradients cross the cluster's network as plain doubles.
 */
final class RingExchange implements GradientExchange, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingExchange.class);
    private static final String HMAC = "HmacSHA256";
    private static final int CHALLENGE = 32;
    /** How often a wait looks whether Spark has cancelled the task (a blocked socket read ignores interrupts). */
    private static final int POLL_MILLIS = 200;

    private final int rank;
    private final int replicas;
    private final long timeoutMillis;
    private final ServerSocket server;
    private Socket incoming;
    private Socket outgoing;
    private DataInputStream in;
    private DataOutputStream out;
    private final ExecutorService writer;
    private final BooleanSupplier cancelled;

    private RingExchange(int rank, int replicas, Duration timeout, ServerSocket server, BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        this.rank = rank;
        this.replicas = replicas;
        this.timeoutMillis = timeout.toMillis();
        this.server = server;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "polyhead-ring-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the ring of the current barrier stage; every replica calls this at the same point. */
    static RingExchange open(BarrierTaskContext context, Duration timeout) {
        int rank = context.partitionId();
        return open(rank, context.getTaskInfos().length, host(context.getTaskInfos()[rank].address()),
                context::allGather, timeout, context::isInterrupted);
    }

    /** The host of a barrier task's address ({@code host:port}, {@code [v6]:port}), where its executor runs. */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        String h = colon > 0 && address.indexOf(':') == colon || address.startsWith("[") ? address.substring(0, colon)
                : address;
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /**
     * Opens replica {@code rank}'s place in a ring of {@code replicas}, listening on {@code host}, with
     * {@code allGather} handing each replica's message to all (in rank order), as the barrier context's does;
     * every wait ends soon after {@code cancelled} turns true.
     */
    static RingExchange open(int rank, int replicas, String host, Function<String, String[]> allGather,
                             Duration timeout, BooleanSupplier cancelled) {
        ServerSocket server;
        try {
            server = new ServerSocket(0, 16, InetAddress.getByName(host));
        } catch (IOException e) {
            throw new ExchangeException("replica " + rank + ": cannot listen on " + host + ": " + e.getMessage(), e);
        }
        RingExchange ring = new RingExchange(rank, replicas, timeout, server, cancelled);
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String secret = rank == 0 ? Base64.getEncoder().encodeToString(key) : "";
            String[] all = allGather.apply(host + " " + server.getLocalPort() + " " + secret);
            ring.connect(all);
            return ring;
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    private void connect(String[] all) {
        if (replicas == 1) {
            return;
        }
        byte[] key = Base64.getDecoder().decode(all[0].split(" ")[2]);
        int next = (rank + 1) % replicas;
        int previous = (rank + replicas - 1) % replicas;
        Future<Socket> accepted = writer.submit(() -> accept(key, previous));
        String[] peer = all[next].split(" ");
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(peer[0], Integer.parseInt(peer[1])), (int) timeoutMillis);
            s.setSoTimeout((int) timeoutMillis);
            s.setTcpNoDelay(true);
            DataInputStream challengeIn = new DataInputStream(s.getInputStream());
            byte[] challenge = new byte[CHALLENGE];
            challengeIn.readFully(challenge);
            DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            o.writeInt(rank);
            o.write(mac(key, challenge, rank));
            o.flush();
            outgoing = s;
            out = o;
            incoming = accepted.get(timeoutMillis, TimeUnit.MILLISECONDS);
            in = new DataInputStream(new BufferedInputStream(incoming.getInputStream(), 1 << 16));
        } catch (SocketTimeoutException | TimeoutException e) {
            throw new ExchangeException("replica " + rank + ": the ring did not form within " + seconds()
                    + " (replica " + next + " or " + previous + " did not answer)", e);
        } catch (IOException e) {
            throw new ExchangeException("replica " + rank + ": cannot connect to replica " + next + " at " + peer[0]
                    + ":" + peer[1] + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new ExchangeException("replica " + rank + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException("replica " + rank + ": interrupted while forming the ring", e);
        }
    }

    /** Accepts connections until one proves it is replica {@code previous} of this job; rejects others. */
    private Socket accept(byte[] key, int previous) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        SecureRandom random = new SecureRandom();
        while (true) {
            int left = (int) (deadline - System.currentTimeMillis());
            if (left <= 0) {
                throw new SocketTimeoutException("no replica " + previous + " within " + seconds());
            }
            if (cancelled.getAsBoolean()) {
                throw new SocketTimeoutException("the task was cancelled");
            }
            server.setSoTimeout(Math.min(left, POLL_MILLIS));
            Socket s;
            try {
                s = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            String from = String.valueOf(s.getRemoteSocketAddress());
            try {
                s.setSoTimeout((int) Math.min(timeoutMillis, 10_000));
                byte[] challenge = new byte[CHALLENGE];
                random.nextBytes(challenge);
                s.getOutputStream().write(challenge);
                s.getOutputStream().flush();
                DataInputStream i = new DataInputStream(s.getInputStream());
                int claimed = i.readInt();
                byte[] answer = new byte[32];
                i.readFully(answer);
                if (claimed != previous) {
                    reject(s, from, "it claims to be replica " + claimed + ", expected " + previous);
                } else if (!MessageDigest.isEqual(answer, mac(key, challenge, claimed))) {
                    reject(s, from, "it does not know this job's secret");
                } else {
                    s.setSoTimeout((int) Math.min(timeoutMillis, POLL_MILLIS));
                    s.setTcpNoDelay(true);
                    return s;
                }
            } catch (IOException e) {
                reject(s, from, "it did not answer the challenge (" + e.getMessage() + ")");
            }
        }
    }

    private void reject(Socket s, String from, String why) {
        LOG.warn("replica {}: rejected a connection from {}: {}", rank, from, why);
        try {
            s.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    private static byte[] mac(byte[] key, byte[] challenge, int rank) {
        try {
            Mac m = Mac.getInstance(HMAC);
            m.init(new SecretKeySpec(key, HMAC));
            m.update(challenge);
            m.update(Integer.toString(rank).getBytes(StandardCharsets.US_ASCII));
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        }
    }

    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public void sum(double[] values) {
        if (replicas == 1) {
            return;
        }
        int n = replicas;
        int previous = (rank + n - 1) % n;
        // each exchange starts with the array's length: replicas out of step fail at once
        send(() -> {
            out.writeInt(values.length);
            out.flush();
        });
        int theirs = receive(previous, () -> ByteBuffer.wrap(readFully(new byte[Integer.BYTES])).getInt());
        if (theirs != values.length) {
            throw new ExchangeException("replica " + previous + " sent " + theirs + " values, replica " + rank + " "
                    + values.length + ": the replicas are out of step");
        }
        for (int s = 0; s < n - 1; s++) {
            int sendChunk = Math.floorMod(rank - s, n);
            int receiveChunk = Math.floorMod(rank - s - 1, n);
            send(() -> write(values, sendChunk));
            double[] got = receive(previous, () -> read(values.length, receiveChunk));
            int from = start(values.length, receiveChunk);
            for (int i = 0; i < got.length; i++) {
                values[from + i] = got[i] + values[from + i];
            }
        }
        for (int s = 0; s < n - 1; s++) {
            int sendChunk = Math.floorMod(rank + 1 - s, n);
            int receiveChunk = Math.floorMod(rank - s, n);
            send(() -> write(values, sendChunk));
            double[] got = receive(previous, () -> read(values.length, receiveChunk));
            System.arraycopy(got, 0, values, start(values.length, receiveChunk), got.length);
        }
        awaitSent();
    }

    private int start(int length, int chunk) {
        return (int) ((long) length * chunk / replicas);
    }

    private void write(double[] values, int chunk) throws IOException {
        int from = start(values.length, chunk);
        int to = start(values.length, chunk + 1);
        ByteBuffer b = ByteBuffer.allocate((to - from) * Double.BYTES);
        b.asDoubleBuffer().put(values, from, to - from);
        out.write(b.array());
        out.flush();
    }

    private double[] read(int length, int chunk) throws IOException {
        int size = start(length, chunk + 1) - start(length, chunk);
        byte[] bytes = readFully(new byte[size * Double.BYTES]);
        double[] d = new double[size];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(d);
        return d;
    }

    /**
     * Fills {@code b} from the predecessor, waiting at most the timeout for each piece and giving up soon after the
     * task is cancelled (the socket's own timeout is the polling interval).
     */
    private byte[] readFully(byte[] b) throws IOException {
        int off = 0;
        long last = System.currentTimeMillis();
        while (off < b.length) {
            try {
                int k = in.read(b, off, b.length - off);
                if (k < 0) {
                    throw new IOException("the connection was closed");
                }
                off += k;
                last = System.currentTimeMillis();
            } catch (SocketTimeoutException e) {
                if (cancelled.getAsBoolean()) {
                    throw new IOException("the task was cancelled");
                }
                if (System.currentTimeMillis() - last >= timeoutMillis) {
                    throw e;
                }
            }
        }
        return b;
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private interface Write {
        void run() throws IOException;
    }

    private Future<?> pending;

    /** Writes on the writer thread (so that every replica can send and receive at once), after the last write. */
    private void send(Write w) {
        awaitSent();
        pending = writer.submit(() -> {
            w.run();
            return null;
        });
    }

    private void awaitSent() {
        if (pending == null) {
            return;
        }
        int next = (rank + 1) % replicas;
        long start = System.currentTimeMillis();
        try {
            while (true) {
                try {
                    pending.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    if (cancelled.getAsBoolean()) {
                        throw new ExchangeException("replica " + rank + ": the task was cancelled");
                    }
                    if (System.currentTimeMillis() - start >= timeoutMillis) {
                        throw e;
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new ExchangeException("replica " + rank + ": replica " + next + " took nothing for " + seconds()
                    + "; it has stopped", e);
        } catch (ExecutionException e) {
            throw new ExchangeException("replica " + rank + ": cannot send to replica " + next + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException("replica " + rank + ": interrupted", e);
        } finally {
            pending = null;
        }
    }

    private <T> T receive(int previous, Io<T> r) {
        try {
            return r.run();
        } catch (SocketTimeoutException e) {
            throw new ExchangeException("replica " + rank + ": nothing from replica " + previous + " for "
                    + seconds() + "; it has stopped", e);
        } catch (IOException e) {
            throw new ExchangeException("replica " + rank + ": the connection from replica " + previous
                    + " failed: " + e.getMessage(), e);
        }
    }

    private String seconds() {
        return timeoutMillis / 1000.0 + " s";
    }

    @Override
    public void close() {
        writer.shutdownNow();
        for (AutoCloseable c : new AutoCloseable[] {incoming, outgoing, server}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing what is already broken
            }
        }
    }
}
