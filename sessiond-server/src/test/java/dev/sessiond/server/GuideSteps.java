package dev.sessiond.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The steps of a guide in docs/guides: each fenced {@code ```sh} block in order, with the
 * {@code ```text} block right after it, if any, as the output it shows ({@code …} standing for
 * anything on its line).
 */
record GuideSteps(List<Step> steps) {

  record Step(String commands, List<String> output) {

    /** Whether {@code printed} is what the guide shows, line for line. */
    boolean shows(List<String> printed) {
      if (output.isEmpty()) {
        return true;
      }
      if (printed.size() != output.size()) {
        return false;
      }
      for (int i = 0; i < output.size(); i++) {
        StringBuilder regex = new StringBuilder();
        for (String part : output.get(i).split("…", -1)) {
          regex.append(regex.length() == 0 ? "" : ".*").append(Pattern.quote(part));
        }
        if (!printed.get(i).matches(regex.toString())) {
          return false;
        }
      }
      return true;
    }
  }

  static GuideSteps read(Path guide) throws IOException {
    List<Step> steps = new ArrayList<>();
    List<String> lines = Files.readAllLines(guide);
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i);
      if (!fence.equals("```sh") && !fence.equals("```text")) {
        continue;
      }
      List<String> body = new ArrayList<>();
      for (i++; !lines.get(i).equals("```"); i++) {
        body.add(lines.get(i));
      }
      if (fence.equals("```sh")) {
        steps.add(new Step(String.join("\n", body), List.of()));
      } else {
        Step last = steps.remove(steps.size() - 1);
        steps.add(new Step(last.commands(), List.copyOf(body)));
      }
    }
    return new GuideSteps(List.copyOf(steps));
  }
}
