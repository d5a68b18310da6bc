import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.commons.lang.StringEscapeUtils;

// Reads base64-encoded strings, one a line, and prints for each the
// base64 of StringEscapeUtils.escapeJavaScript, URLEncoder.encode and
// Base64 encoding of its UTF-8 bytes, tab-separated: the Java functions
// behind API Gateway's $util.
public class UtilRunner {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Base64.Encoder b64 = Base64.getEncoder();
    for (String line; (line = in.readLine()) != null; ) {
      String s = new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8);
      String esc = StringEscapeUtils.escapeJavaScript(s);
      String url = URLEncoder.encode(s, "UTF-8");
      String enc = b64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
      System.out.println(b64.encodeToString(esc.getBytes(StandardCharsets.UTF_8)) + "\t"
          + b64.encodeToString(url.getBytes(StandardCharsets.UTF_8)) + "\t"
          + b64.encodeToString(enc.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
