import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;

// Renders every *.vtl file of a directory with Apache Velocity, writing
// NAME.velocity (the output) or NAME.velocity-error. One JVM serves the
// whole batch because starting it dominates the run time.
public class VelocityRunner {
  public static void main(String[] args) throws Exception {
    VelocityEngine engine = new VelocityEngine();
    engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
    engine.init();
    File[] files = new File(args[0]).listFiles((dir, name) -> name.endsWith(".vtl"));
    Arrays.sort(files);
    for (File f : files) {
      String src = new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
      String base = f.getPath().substring(0, f.getPath().length() - 4);
      StringWriter out = new StringWriter();
      try {
        engine.evaluate(new VelocityContext(), out, f.getName(), src);
        Files.write(new File(base + ".velocity").toPath(), out.toString().getBytes(StandardCharsets.UTF_8));
      } catch (Exception e) {
        Files.write(new File(base + ".velocity-error").toPath(), String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
