package io.redischat.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A program a test runs outside the JVM (redis-server, nginx, Payara Micro, openssl, ...), the one way: a long-running
 * one writes its output to a log file, can be sent signals and is stopped on close; a short one is run to completion
 * within a timeout and its exit code checked.
 */
public final class ExternalProcess implements AutoCloseable {

    /** A command that ran to its end: its exit code and what it wrote (standard output and error together). */
    public record Completed(List<String> command, int exitCode, String output) {

        /** The output, if the command exited 0. */
        public String orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
            }
            return output;
        }
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ExternalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with its output (standard output and error) going to {@code log}. */
    public static ExternalProcess start(List<String> command, Path log) {
        return start(command, log, Map.of());
    }

    /**
     * Starts {@code command} with extra environment variables (a null value removes one the test JVM has), its
     * output going to {@code log}.
     */
    public static ExternalProcess start(List<String> command, Path log, Map<String, String> environment) {
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        try {
            return new ExternalProcess(Path.of(command.get(0)).getFileName().toString(), builder.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0) + " (is it installed?)", e);
        }
    }

    /** Runs {@code command} in {@code directory} (null: this one) to its end; fails if it outlasts {@code timeout}. */
    public static Completed execute(Path directory, Duration timeout, List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("redis-chat-command-", ".log");
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout + ":\n"
                        + Files.readString(output));
            }
            return new Completed(List.copyOf(command), process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** Runs {@code command} to its end and returns its output; fails unless it exits 0 within {@code timeout}. */
    public static String run(Path directory, Duration timeout, String... command) {
        return execute(directory, timeout, List.of(command)).orThrow();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    /** What the process wrote so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until {@code ready} holds, polling every {@code interval}; fails at once, with the log, if the process
     * exits first.
     */
    public void awaitReady(BooleanSupplier ready, Duration timeout, Duration interval, String what) {
        Await.until(() -> !process.isAlive() || ready.getAsBoolean(), timeout, interval, what);
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited before " + what + ":\n" + log());
        }
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}, ...) with {@code kill}. */
    public void signal(String signal) {
        run(null, Duration.ofSeconds(10), "kill", "-" + signal, Long.toString(process.pid()));
    }

    /** SIGKILL, and wait until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, and SIGKILL if it has not exited after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    /** Stops the process if it still runs, giving it five seconds to exit by itself. */
    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(5));
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
