package io.bascule; public class BasculeApplication { public static void main(String[] a){} }
