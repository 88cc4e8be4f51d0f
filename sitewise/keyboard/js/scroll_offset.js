// This frame's scroll offset: where its viewport is in the page.
() => [scrollX, scrollY]
