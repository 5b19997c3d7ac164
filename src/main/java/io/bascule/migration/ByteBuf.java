package io.bascule.migration;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer for COPY data: values are appended as the bytes the drivers hand over, never as Strings. */
final class ByteBuf {

    private byte[] bytes;
    private int length;

    ByteBuf(int capacity) {
        bytes = new byte[capacity];
    }

    int length() {
        return length;
    }

    byte[] array() {
        return bytes;
    }

    void clear() {
        length = 0;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    void put(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
    }

    void put(byte[] b, int from, int to) {
        int n = to - from;
        ensure(n);
        System.arraycopy(b, from, bytes, length, n);
        length += n;
    }

    /** Appends the low 16 bits, big-endian (network order, as binary COPY wants). */
    void putShort(int v) {
        ensure(2);
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    void putInt(int v) {
        ensure(4);
        bytes[length++] = (byte) (v >>> 24);
        bytes[length++] = (byte) (v >>> 16);
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    /** Appends a non-negative number in decimal. */
    void putDecimal(int value) {
        if (value < 10) {
            put((byte) ('0' + value));
            return;
        }
        put(Integer.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    /** Inserts {@code b} at {@code at}, moving what follows. */
    void insert(int at, byte[] b) {
        ensure(b.length);
        System.arraycopy(bytes, at, bytes, at + b.length, length - at);
        System.arraycopy(b, 0, bytes, at, b.length);
        length += b.length;
    }

    /** Drops everything from {@code newLength} on. */
    void truncate(int newLength) {
        length = newLength;
    }

    byte[] toArray() {
        return Arrays.copyOf(bytes, length);
    }

    void put(String ascii) {
        put(ascii.getBytes(StandardCharsets.US_ASCII));
    }
}
