"""sitewise.keyboard: the keyboard checks axe cannot make.

`checks` gathers the public checks; each lives in the module of its concern:

- `walk`: the Tab walk (the page's Tab sequence) and Tab to one control;
- `order`: Tab order against the layout's reading order, or expected names;
- `reachability`: every interactive element reached by Tab;
- `visibility`: every tab stop shows focus;
- `skip_link`: the first tab stop is a working skip link;
- `dialogs`: a modal dialog traps and returns focus; a menu closes on Escape;
- `focus`: where focus is, through frames and shadow roots;
- `browsers`: the key that is Tab in each engine, and what else differs;
- `model` and `report`: the focus stop, the FocusError, and how findings read;
- `scripts`: the in-page scripts, kept in js/.
"""
