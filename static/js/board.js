// The board: a card dragged onto another column moves its application to that stage, by
// the same form post the buttons make (the buttons stay, for keyboard and touch).

let dragged = null;

for (const card of document.querySelectorAll(".board-card[draggable=true]")) {
  card.addEventListener("dragstart", (event) => {
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.application);
    card.classList.add("dragging");
  });
  card.addEventListener("dragend", () => {
    card.classList.remove("dragging");
    dragged = null;
  });
}

for (const column of document.querySelectorAll("[data-drop-stage]")) {
  const home = () => dragged && dragged.closest("[data-drop-stage]") === column;
  column.addEventListener("dragover", (event) => {
    if (!dragged || home()) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });
  column.addEventListener("dragleave", () => column.classList.remove("drop-target"));
  column.addEventListener("drop", (event) => {
    column.classList.remove("drop-target");
    if (!dragged || home()) return;
    event.preventDefault();
    const form = dragged.querySelector("[data-drop-form]");
    form.elements.to_stage.value = column.dataset.dropStage;
    form.submit();
  });
}
