/// The help screen (F1, or `?` on an empty prompt or the chips), one entry a line.
public let helpLines: [String] = [
    "Prompt",
    "  typing            edit the prompt; tokens update on every key",
    "  ←/→ Home/End      move (also Ctrl-A, Ctrl-E)",
    "  Backspace/Delete  delete one character (a whole emoji or CJK character)",
    "  Ctrl-W Ctrl-U Ctrl-K  delete the word before, to the start, to the end",
    "  ↑/↓               previous and next prompt from history",
    "  Enter             keep the prompt in history",
    "  Tab               inspect tokens: ←/→ select, Tab or Esc back",
    "  F2 whitespace marks · F3 pad id 0/49407 · F4 crop/whole image",
    "  Ctrl-L redraw · Ctrl-Z suspend · Ctrl-C, Ctrl-D or :q quit",
    "",
    "Commands (type : on an empty prompt, or Esc then :; Tab completes paths)",
    "  :vocab TEXT       tokens whose text contains TEXT",
    "  :id N             the token with id N",
    "  :pad 0|49407      pad id for the slots and tensor",
    "  :ws               show whitespace and word ends as ·",
    "  :theme [NAME]     switch theme, or list themes",
    "  :image PATH       load a JPEG, PNG or WebP image",
    "  :whole            show the whole image or the model's crop",
    "  :labels a, b, c   set labels (:labels @imagenet for ImageNet's 1000)",
    "  :labels-file FILE set labels from a file, one label per line",
    "  :label + X        add a label; :label - X removes one",
    "  :template T | T   set templates; each must contain {}",
    "  :model PATH       switch model (the old one stays if loading fails)",
    "  :save FILE        write the tokenization and ranking as JSON",
    "  :q                quit",
]

extension Renderer {
    func drawHelp(_ grid: inout ScreenGrid, top: Int, bottom: Int) {
        var y = top
        for line in helpLines {
            guard y < bottom else { break }
            let isHeading = !line.hasPrefix(" ") && !line.isEmpty
            grid.put(line, row: y, column: 1, role: isHeading ? .heading : .text)
            y += 1
        }
        if y < bottom {
            grid.put("Press any key to close help.", row: y, column: 1, role: .dim)
        }
    }
}
