// The loss heads of networks (abi.json `heads`).

/** The loss of a network: softmax cross-entropy on logits, binary cross-entropy on one logit, or mean squared error. */
export type NetworkLoss = 'softmax' | 'logistic' | 'squared';
