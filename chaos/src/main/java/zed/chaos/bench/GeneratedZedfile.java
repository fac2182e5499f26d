package zed.chaos.bench;

/**
 * A large, realistic Zedfile for benchmarks: services with vars, env, templates, heredocs, health checks and
 * references to their neighbours, so that evaluation walks a real graph. Also the same content as JSON, the floor
 * that a mature parser sets for reading that much structure.
 */
public final class GeneratedZedfile {
    private GeneratedZedfile() {
    }

    /** About {@code lines} lines (22 per service, plus the header). */
    public static String zedfile(int lines) {
        int services = Math.max(1, (lines - 12) / 22);
        StringBuilder sb = new StringBuilder();
        sb.append("""
                level "bench" {}

                snapshots {
                  before_deploy = true
                  keep          = 5
                }

                update {
                  min_healthy_time = "5s"
                  healthy_deadline = "2m"
                }

                """);
        for (int i = 0; i < services; i++) {
            String prev = i == 0 ? "8000" : "service.exec.s" + (i - 1) + ".vars.port";
            sb.append("dataset \"apps/s").append(i).append("\" {}\n");
            sb.append("service \"exec\" \"s").append(i).append("\" {\n");
            sb.append("  dataset = \"apps/s").append(i).append("\"\n");
            sb.append("  version = \"1.").append(i).append(".0\"\n");
            sb.append("  vars    = { port = ").append(prev).append(" + 1, workers = ").append(i % 8 + 1).append(" * 2, name = \"s").append(i).append("\" }\n");
            sb.append("  env     = { PORT = self.vars.port, NAME = \"${self.vars.name}-${self.version}\", MODE = os::env(\"MODE\", \"prod\") }\n");
            sb.append("  file \"config\" {\n");
            sb.append("    path = \"${fs::etc()}/app.toml\"\n");
            sb.append("    body = <<-EOT\n");
            sb.append("      listen  = \"127.0.0.1:${self.vars.port}\"\n");
            sb.append("      workers = ${self.vars.workers > 4 ? self.vars.workers : 4}\n");
            sb.append("    EOT\n");
            sb.append("  }\n");
            sb.append("  runtime {\n");
            sb.append("    cmd = [\"${self.dir}/bin/app\", \"--config\", self.file.config.path]\n");
            sb.append("  }\n");
            sb.append("  health \"http\" {\n");
            sb.append("    url      = \"http://127.0.0.1:${self.vars.port}/health\" # probe\n");
            sb.append("    interval = \"2s\"\n");
            sb.append("  }\n");
            sb.append("  print = \"http://127.0.0.1:${self.vars.port}/\"\n");
            sb.append("}\n");
        }
        return sb.toString();
    }

    /** The same blocks and attributes as a JSON document (expressions as their source text). */
    public static String json(int lines) {
        int services = Math.max(1, (lines - 12) / 22);
        StringBuilder sb = new StringBuilder("{\"level\":{\"bench\":{}},\"snapshots\":{\"before_deploy\":true,\"keep\":5},"
                + "\"update\":{\"min_healthy_time\":\"5s\",\"healthy_deadline\":\"2m\"},\"dataset\":{");
        for (int i = 0; i < services; i++) sb.append(i == 0 ? "" : ",").append("\"apps/s").append(i).append("\":{}");
        sb.append("},\"service\":{\"exec\":{");
        for (int i = 0; i < services; i++) {
            String prev = i == 0 ? "8000" : "${service.exec.s" + (i - 1) + ".vars.port}";
            sb.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":{")
                    .append("\"dataset\":\"apps/s").append(i).append("\",")
                    .append("\"version\":\"1.").append(i).append(".0\",")
                    .append("\"vars\":{\"port\":\"").append(prev).append(" + 1\",\"workers\":").append((i % 8 + 1) * 2).append(",\"name\":\"s").append(i).append("\"},")
                    .append("\"env\":{\"PORT\":\"${self.vars.port}\",\"NAME\":\"${self.vars.name}-${self.version}\",\"MODE\":\"${os::env(\\\"MODE\\\", \\\"prod\\\")}\"},")
                    .append("\"file\":{\"config\":{\"path\":\"${fs::etc()}/app.toml\",\"body\":\"listen  = \\\"127.0.0.1:${self.vars.port}\\\"\\nworkers = ${self.vars.workers > 4 ? self.vars.workers : 4}\\n\"}},")
                    .append("\"runtime\":{\"cmd\":[\"${self.dir}/bin/app\",\"--config\",\"${self.file.config.path}\"]},")
                    .append("\"health\":{\"http\":{\"url\":\"http://127.0.0.1:${self.vars.port}/health\",\"interval\":\"2s\"}},")
                    .append("\"print\":\"http://127.0.0.1:${self.vars.port}/\"}");
        }
        sb.append("}}}");
        return sb.toString();
    }
}
