// Kit builder: reorder questions by dragging, or with Alt+ArrowUp / Alt+ArrowDown on a
// focused question. The new order is saved at once; the server refuses it (409) when
// someone else changed the draft meanwhile, and the page reloads to show their version.
(() => {
  const builder = document.querySelector(".builder[data-editable='true']");
  if (!builder) return;
  const token = document.querySelector("meta[name='csrf-token']").content;
  const status = document.createElement("p");
  status.className = "save-status";
  status.setAttribute("role", "status");
  document.body.append(status);

  const layout = () =>
    [...builder.querySelectorAll("ol.kit-items")].map((list) => [
      Number(list.dataset.sectionId),
      [...list.querySelectorAll(":scope > li.kit-item")].map((li) => Number(li.dataset.itemId)),
    ]);

  const setLock = (lock) => {
    builder.dataset.lock = lock;
    builder.querySelectorAll("input[name='lock']").forEach((input) => { input.value = lock; });
  };

  async function save() {
    status.textContent = "Saving the order…";
    try {
      const response = await fetch(builder.dataset.orderUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ lock: Number(builder.dataset.lock), layout: layout() }),
      });
      const body = await response.json();
      if (!response.ok) {
        status.textContent = body.error || "The order was not saved.";
        if (response.status === 409) setTimeout(() => window.location.reload(), 2500);
        return;
      }
      setLock(body.lock);
      status.textContent = "Order saved.";
    } catch (error) {
      status.textContent = "The order was not saved: the connection failed. Try again.";
    }
  }

  // Keyboard: Alt+Arrow moves the focused question, across sections at the edges.
  builder.addEventListener("keydown", (event) => {
    const item = event.target.closest && event.target.closest("li.kit-item");
    if (!item || event.target !== item || !event.altKey) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const lists = [...builder.querySelectorAll("ol.kit-items")];
    const list = item.parentElement;
    if (event.key === "ArrowUp") {
      const before = item.previousElementSibling;
      if (before && before.classList.contains("kit-item")) list.insertBefore(item, before);
      else if (lists.indexOf(list) > 0) lists[lists.indexOf(list) - 1].append(item);
      else return;
    } else {
      const after = item.nextElementSibling;
      if (after && after.classList.contains("kit-item")) list.insertBefore(after, item);
      else if (lists.indexOf(list) < lists.length - 1) {
        const next = lists[lists.indexOf(list) + 1];
        next.insertBefore(item, next.querySelector("li.kit-item"));
      } else return;
    }
    item.focus();
    save();
  });

  // Drag and drop.
  let dragged = null;
  builder.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li.kit-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });
  builder.addEventListener("dragover", (event) => {
    const list = event.target.closest && event.target.closest("ol.kit-items");
    if (!dragged || !list) return;
    event.preventDefault();
    const after = [...list.querySelectorAll(":scope > li.kit-item:not(.dragging)")].find(
      (li) => event.clientY < li.getBoundingClientRect().top + li.offsetHeight / 2,
    );
    list.insertBefore(dragged, after || null);
  });
  builder.addEventListener("dragend", () => {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    save();
  });

  // After a move button, keep the keyboard focus on the moved question.
  if (window.location.hash.startsWith("#item-")) {
    const item = document.getElementById(window.location.hash.slice(1));
    if (item) item.focus();
  }
})();
