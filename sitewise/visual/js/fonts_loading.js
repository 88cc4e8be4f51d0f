// The font faces still loading, as "family style weight", to name them when the page's
// fonts do not settle in time.
() =>
  [...document.fonts]
    .filter((face) => face.status === 'loading')
    .map((face) => `${face.family.replace(/^["']|["']$/g, '')} ${face.style} ${face.weight}`)
