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
 * <p>{@code Codec.fory} and {@code Codec.foryTrusted} encode your own classes with Apache Fory,
 * which reads and writes their fields reflectively: a module whose types travel through a pipe
 * opens their packages to {@code org.apache.fory.core}, for instance
 * {@code opens com.example.messages to org.apache.fory.core;}.
 */
module dev.jipc {
    requires org.apache.fory.core;
    requires java.management; // a child JVM copies its parent's JVM flags, read from the RuntimeMXBean

    exports dev.jipc;
}
