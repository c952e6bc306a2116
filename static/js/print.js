// Printing shows everything: folded texts open before the page prints.
const openAll = () => {
  for (const details of document.querySelectorAll("details")) {
    if (!details.open) {
      details.dataset.printOpened = "";
      details.open = true;
    }
  }
};
const restore = () => {
  for (const details of document.querySelectorAll("details[data-print-opened]")) {
    details.open = false;
    delete details.dataset.printOpened;
  }
};
window.addEventListener("beforeprint", openAll);
window.addEventListener("afterprint", restore);
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
