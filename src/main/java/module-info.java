/**
 * jipc: child processes and message pipes for the JVM, on the Foreign Function and Memory API.
 *
 * <p>Everything a user calls is in {@link dev.jipc}; start with {@link dev.jipc.Jipc}. The
 * {@code dev.jipc.internal} packages are not exported and may change in any release.
 *
 * <p>jipc calls libc through FFM, so grant it native access: {@code --enable-native-access=dev.jipc}
 * on the module path, {@code --enable-native-access=ALL-UNNAMED} on the class path (an executable
 * jar's manifest may say {@code Enable-Native-Access: ALL-UNNAMED} instead). A child JVM started by
 * {@code Jipc.startProcess} runs on the same path, with the same modules resolved.
 *
 * <p>On the module path, {@code Codec.fory} and {@code Codec.foryTrusted} need two things of the
 * application, both for Apache Fory, which generates a serializer class for each of your message
 * types: the packages of those types are exported ({@code exports com.example.messages;}: the
 * generated classes live in an unnamed module), and, on JDK 25 and later, the JVM runs with
 * {@code --add-opens=java.base/java.lang.invoke=org.apache.fory.core}. A child started by
 * {@code Jipc.startProcess} gets the same flags. {@code Codec.raw()} and {@code Codec.of} need
 * neither.
 */
module dev.jipc {
    requires org.apache.fory.core;
    requires java.management; // a child JVM copies its parent's JVM flags, read from the RuntimeMXBean
    requires jdk.jfr; // jipc's JFR events (dev.jipc.internal.jfr)

    exports dev.jipc;
}
