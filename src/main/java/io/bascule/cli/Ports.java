package io.bascule.cli;

import io.bascule.config.ConfigException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that a TCP port can be bound, so a port in use is one clear line instead of a failed start. */
final class Ports {

    private Ports() {
    }

    static void requireFree(int port, String what, String fix) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new ConfigException("port " + port + " for " + what + " is already in use; stop the process"
                    + " holding it or " + fix);
        }
    }
}
