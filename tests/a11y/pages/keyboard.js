// A header menu and two dialogs, behaving well unless the body's data attributes say
// otherwise: data-trap="off" lets Tab leave the dialog, data-menu-escape="off" makes the
// menu ignore Escape.
const flags = document.body.dataset;

const menuButton = document.getElementById("menu-button");
const menu = document.getElementById("menu");
const setMenu = (open) => {
  menu.hidden = !open;
  menuButton.setAttribute("aria-expanded", String(open));
};
menuButton.addEventListener("click", () => setMenu(menu.hidden));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !menu.hidden && flags.menuEscape !== "off") {
    setMenu(false);
    menuButton.focus();
  }
});

const opener = document.getElementById("open-dialog");
const dialog = document.getElementById("dialog");
let returnTo = null;
const closeDialog = () => {
  dialog.hidden = true;
  if (returnTo) returnTo.focus();
};
opener.addEventListener("click", () => {
  returnTo = document.activeElement;
  dialog.hidden = false;
  dialog.querySelector("input").focus();
});
dialog.querySelector(".cancel").addEventListener("click", closeDialog);
dialog.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeDialog();
  if (event.key !== "Tab" || flags.trap === "off") return;
  const items = [...dialog.querySelectorAll("input, button")];
  const [first, last] = [items[0], items[items.length - 1]];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
});

const nativeOpener = document.getElementById("open-native");
const native = document.getElementById("native-dialog");
if (nativeOpener && native) {
  nativeOpener.addEventListener("click", () => native.showModal());
  native.querySelector(".cancel").addEventListener("click", () => native.close());
}
