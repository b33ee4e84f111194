export const PARTS = {
  cpu: ["Intel Core i5", "Intel Core i7", "AMD Ryzen 5", "AMD Ryzen 7"],
  gpu: ["NVIDIA RTX 4060", "NVIDIA RTX 4070", "AMD Radeon RX 7800"],
  ram: ["16 GB", "32 GB", "64 GB"],
} as const;

export type PartName = keyof typeof PARTS;

export const LABELS: Record<PartName, string> = { cpu: "CPU", gpu: "GPU", ram: "RAM" };
