// Wide-character ncurses for Swift: SwiftPM drops pkg-config's -D flags, so ask for the wide API
// here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// glibc only declares wcwidth under _XOPEN_SOURCE, which the Glibc module may already have been
// built without; a second, identical declaration is harmless.
extern int wcwidth(wchar_t c);

// Swift 6 rejects C globals as shared mutable state and cannot import function-like or
// shifted-constant macros, so the few the terminal driver needs are wrapped here.
// Every call stays on the main thread (ncurses is not thread-safe).

static inline WINDOW *treepo_stdscr(void) { return stdscr; }
/// newterm on stdout/stdin: unlike initscr it returns NULL for an unknown terminal type.
static inline SCREEN *treepo_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int treepo_colors(void) { return COLORS; }
static inline int treepo_color_pairs(void) { return COLOR_PAIRS; }

static inline void treepo_screen_size(int *rows, int *cols) {
  int y, x;
  getmaxyx(stdscr, y, x);
  *rows = y;
  *cols = x;
}

static inline attr_t treepo_a_bold(void) { return A_BOLD; }
static inline attr_t treepo_a_dim(void) { return A_DIM; }
static inline attr_t treepo_a_reverse(void) { return A_REVERSE; }
static inline attr_t treepo_a_underline(void) { return A_UNDERLINE; }
static inline attr_t treepo_a_normal(void) { return A_NORMAL; }

/// Puts one cell: `text` is a NUL-terminated spacing character followed by up to four combining
/// ones. Returns ERR when the character cannot be stored (the caller draws a placeholder).
static inline int treepo_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
  cchar_t c;
  if (setcchar(&c, text, attrs, pair, NULL) != OK) return ERR;
  return mvwadd_wch(stdscr, y, x, &c);
}

/// Mouse: press of button 1 (select) and the wheel (buttons 4 and 5), reported without the
/// click-detection delay.
static inline void treepo_enable_mouse(void) {
  mouseinterval(0);
  mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
}

enum { TREEPO_MOUSE_NONE = 0, TREEPO_MOUSE_PRESS = 1, TREEPO_MOUSE_WHEEL_UP = 2,
       TREEPO_MOUSE_WHEEL_DOWN = 3 };

/// Reads the pending mouse event after KEY_MOUSE: returns one of TREEPO_MOUSE_* and its cell.
static inline int treepo_read_mouse(int *x, int *y) {
  MEVENT event;
  if (getmouse(&event) != OK) return TREEPO_MOUSE_NONE;
  *x = event.x;
  *y = event.y;
  if (event.bstate & BUTTON4_PRESSED) return TREEPO_MOUSE_WHEEL_UP;
  if (event.bstate & BUTTON5_PRESSED) return TREEPO_MOUSE_WHEEL_DOWN;
  if (event.bstate & BUTTON1_PRESSED) return TREEPO_MOUSE_PRESS;
  return TREEPO_MOUSE_NONE;
}
